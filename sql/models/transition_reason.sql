-- transition_reason: the children-to-adult transitions criteria, written once.
-- Residents aged transitionMinAge to transitionMaxAge (rules file) with an
-- EHC plan, a children's social care status or a long-term condition, one
-- row per criterion met. segment_membership's transition flag is "has a row
-- here"; the transitions list names the rows.
with thresholds as (
  select
    (select cast(value as integer) from rule_parameter where name = 'transitionMinAge') as min_age_years,
    (select cast(value as integer) from rule_parameter where name = 'transitionMaxAge') as max_age_years
),
young as (
  select features.person_id, features.sen_provision, features.csc_status, features.ltc_count
  from person_features as features
  cross join thresholds
  where features.age_years between thresholds.min_age_years and thresholds.max_age_years
),
final as (
  select person_id, 'ehc_plan' as transition_reason from young where sen_provision = 'E'
  union all select person_id, 'childrens_social_care' as transition_reason from young where csc_status is not null
  union all select person_id, 'ltc' as transition_reason from young where ltc_count >= 1
)
select * from final order by person_id, transition_reason;
