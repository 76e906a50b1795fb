-- cohort_counts: residents by segment, age band, sex, practice (and so its
-- locality) and deprivation decile, before disclosure control (applied when
-- the summary, the report and the shadow budget's per-head figures are written).
with source as (
  select m.segment, p.age_band, p.sex, p.practice_code, pr.locality, coalesce(cast(p.imd_decile as text), 'unknown') as imd_decile
  from segment_membership m
  join person p on p.person_id = m.person_id
  join practice pr on pr.practice_code = p.practice_code
),
final as (
  select segment, age_band, sex, practice_code, locality, imd_decile, count(*) as residents
  from source
  group by segment, age_band, sex, practice_code, locality, imd_decile
)
select * from final order by segment, age_band, sex, practice_code, locality, imd_decile
