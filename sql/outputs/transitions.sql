-- transitions: the children-to-adult transitions cohort (segment_membership's
-- transition flag: aged 16-25 with an EHC plan, a children's social care
-- status or a long-term condition), with the practice, age band and segment
-- of each and which of the three criteria they meet. The criteria are
-- segment_membership.sql's: a change to one is a change to both.
with source as (
  select m.person_id, m.segment, p.practice_code, p.age_band, f.sen_provision, f.csc_status, f.ltc_count
  from segment_membership m
  join person p on p.person_id = m.person_id
  join person_features f on f.person_id = m.person_id
  where m.transition = 1
),
reasons as (
  select person_id, 'ehc_plan' as transition_reason from source where sen_provision = 'E'
  union all select person_id, 'childrens_social_care' as transition_reason from source where csc_status is not null
  union all select person_id, 'ltc' as transition_reason from source where ltc_count >= 1
),
final as (
  select
    source.person_id, source.practice_code, source.age_band, source.segment,
    string_agg(reasons.transition_reason, ';' order by reasons.transition_reason) as transition_reasons
  from source
  -- A left join, so that a flagged resident whose criteria this query no
  -- longer names shows with no reason, rather than vanishing from the list.
  left join reasons on reasons.person_id = source.person_id
  group by source.person_id, source.practice_code, source.age_band, source.segment
)
select * from final order by practice_code, person_id
