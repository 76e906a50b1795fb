-- segment_reason: why each resident is in their segment (rules v1, in priority
-- order: children first, then Promoting Independence, then Living Well).
with rule_numbers as (
  -- The rules' numeric settings (the version and the two dates are text).
  select name, cast(value as integer) as value from rule_parameter
  where name not in ('rules_version', 'as_of', 'window_start')
),
thresholds as (
  select
    (select value from rule_numbers where name = 'childUnderAge') as child_under_age_years,
    (select value from rule_numbers where name = 'complexLtcMinLtcs') as complex_min_ltcs,
    (select value from rule_numbers where name = 'complexLtcMinNonElectiveAdmissions')
      as complex_min_non_elective_admissions,
    (select value from rule_numbers where name = 'complexLtcMinAeAttendances') as complex_min_ae_attendances,
    (select value from rule_numbers where name = 'discretionaryMinAge') as discretionary_min_age_years,
    (select value from rule_numbers where name = 'discretionarySharePercent') as discretionary_share_percent
),
-- Materialised once: every reason below reads it, and inlining it would join
-- person and risk_score again for each.
adults as materialized (
  select features.*, person.practice_code, risk_score.total as risk
  from person_features as features
  join person on person.person_id = features.person_id
  join risk_score on risk_score.person_id = features.person_id
  where features.age_years >= (select child_under_age_years from thresholds)
),
-- Promoting Independence: complex care (mandatory) and complex LTC reasons.
complex as materialized (
  select person_id, 'palliative_care' as reason from adults where palliative_care = 1
  union all select person_id, 'dementia' as reason from adults where dementia = 1
  union all select person_id, 'care_home' as reason from adults where care_home = 1
  union all select person_id, 'severe_frailty' as reason from adults where frailty = 'severe'
  union all select person_id, 'housebound' as reason from adults where housebound = 1
  union all select person_id, 'long_term_social_care' as reason from adults where asc_service_term = 'long_term'
  union all
  select person_id, 'complex_ltc' as reason from adults, thresholds
  where ltc_count >= complex_min_ltcs
    and (
      non_elective_admissions >= complex_min_non_elective_admissions
      or ae_attendances >= complex_min_ae_attendances
    )
),
-- The complex-care reasons the rules count as mandatory (one rule parameter each).
mandatory_reasons as (
  select substr(name, length('mandatory_reason.') + 1) as reason from rule_parameter
  where substr(name, 1, length('mandatory_reason.')) = 'mandatory_reason.'
),
-- Discretionary: per practice, its older residents with a mandatory reason and
-- the discretionary members together make up its share of its older residents
-- (rounded down); filled by risk score, ties by person_id, from those not
-- already in PI. Members in PI for other reasons do not shrink the group.
practice_slots as (
  select
    adults.practice_code,
    count(*) * (select discretionary_share_percent from thresholds) / 100
      - sum(case when adults.person_id in (
          select person_id from complex where reason in (select reason from mandatory_reasons)
        ) then 1 else 0 end) as slots
  from adults
  where adults.age_years >= (select discretionary_min_age_years from thresholds)
  group by adults.practice_code
),
discretionary_ranked as (
  select adults.person_id, adults.practice_code,
    row_number() over (partition by adults.practice_code order by adults.risk desc, adults.person_id) as place
  from adults
  where adults.age_years >= (select discretionary_min_age_years from thresholds)
    and adults.person_id not in (select person_id from complex)
),
discretionary as (
  select ranked.person_id, 'discretionary' as reason
  from discretionary_ranked as ranked
  join practice_slots on practice_slots.practice_code = ranked.practice_code
  where ranked.place <= practice_slots.slots
),
promoting_independence as (
  select person_id, reason from complex
  union all
  select person_id, reason from discretionary
),
final as (
  select person_id, 'BWGW' as segment, 'age_under_18' as reason
  from person_features
  where age_years < (select child_under_age_years from thresholds)
  union all
  select person_id, 'PI' as segment, reason from promoting_independence
  union all
  select person_id, 'LW' as segment, 'adult' as reason from adults
  where person_id not in (select person_id from promoting_independence)
)
select * from final order by person_id, reason;
