-- transitions: the children-to-adult transitions cohort (segment_membership's
-- transition flag), with the practice, age band and segment of each and which
-- criteria they meet, as transition_reason records them: the criteria are
-- written there only.
with source as (
  select m.person_id, m.segment, p.practice_code, p.age_band
  from segment_membership m
  join person p on p.person_id = m.person_id
  where m.transition = 1
),
final as (
  select
    source.person_id, source.practice_code, source.age_band, source.segment,
    string_agg(reasons.transition_reason, ';' order by reasons.transition_reason) as transition_reasons
  from source
  join transition_reason reasons on reasons.person_id = source.person_id
  group by source.person_id, source.practice_code, source.age_band, source.segment
)
select * from final order by practice_code, person_id
