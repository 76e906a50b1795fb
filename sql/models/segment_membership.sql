-- segment_membership: one row per resident with their segment, its reasons
-- (from segment_reason) and the v1 flags.
with rule_numbers as (
  -- The rules' numeric settings (the version and the two dates are text).
  select name, cast(value as integer) as value from rule_parameter
  where name not in ('rules_version', 'as_of', 'window_start')
),
thresholds as (
  select
    (select value from rule_numbers where name = 'transitionMinAge') as transition_min_age_years,
    (select value from rule_numbers where name = 'transitionMaxAge') as transition_max_age_years
),
reasons as (
  select person_id, segment, string_agg(reason, ';' order by reason) as reasons
  from segment_reason
  group by person_id, segment
),
final as (
  select
    features.person_id,
    reasons.segment,
    reasons.reasons,
    -- Children-to-adult transitions: young people with an EHC plan, a children's social care status, or an LTC.
    -- sql/outputs/transitions.sql names which of the three each meets: a change here is a change there.
    case
      when features.age_years between thresholds.transition_min_age_years and thresholds.transition_max_age_years
        and (features.sen_provision = 'E' or features.csc_status is not null or features.ltc_count >= 1) then 1
      else 0
    end as transition,
    case when reasons.segment = 'LW' and features.ltc_count >= 1 then 1 else 0 end as ltc,
    risk_score.total as risk_score
  from person_features as features
  join reasons on reasons.person_id = features.person_id
  join risk_score on risk_score.person_id = features.person_id
  cross join thresholds
)
select * from final order by person_id;
