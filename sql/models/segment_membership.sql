-- segment_reason: why each resident is in their segment (rules v1, in priority
-- order: children first, then Promoting Independence, then Living Well).
insert into segment_reason (person_id, segment, reason)
with t as (
  -- The rules' numeric settings (the version and the two dates are text).
  select name, cast(value as integer) as value from rule_parameter
  where name not in ('rules_version', 'as_of', 'window_start')
),
thresholds as (
  select
    (select value from t where name = 'childUnderAge') as child_under_age,
    (select value from t where name = 'complexLtcMinLtcs') as min_ltcs,
    (select value from t where name = 'complexLtcMinNonElectiveAdmissions') as min_nel,
    (select value from t where name = 'complexLtcMinAeAttendances') as min_ae,
    (select value from t where name = 'discretionaryMinAge') as discretionary_min_age,
    (select value from t where name = 'discretionarySharePercent') as discretionary_percent
),
-- Materialised once: every reason below reads it, and inlining it would join
-- person and risk_score again for each.
adults as materialized (
  select f.*, person.practice_code, risk_score.total as risk
  from person_features f
  join person on person.person_id = f.person_id
  join risk_score on risk_score.person_id = f.person_id
  where f.age_years >= (select child_under_age from thresholds)
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
  where ltc_count >= min_ltcs and (non_elective_admissions >= min_nel or ae_attendances >= min_ae)
),
-- Discretionary: per practice, up to 12% of its residents aged 65+, minus its
-- residents aged 65+ already in PI, filled by risk score, ties by person_id.
practice_slots as (
  select
    a.practice_code,
    count(*) * (select discretionary_percent from thresholds) / 100
      - sum(case when a.person_id in (select person_id from complex) then 1 else 0 end) as slots
  from adults a
  where a.age_years >= (select discretionary_min_age from thresholds)
  group by a.practice_code
),
discretionary_ranked as (
  select a.person_id, a.practice_code,
    row_number() over (partition by a.practice_code order by a.risk desc, a.person_id) as place
  from adults a
  where a.age_years >= (select discretionary_min_age from thresholds)
    and a.person_id not in (select person_id from complex)
),
discretionary as (
  select r.person_id, 'discretionary' as reason
  from discretionary_ranked r
  join practice_slots s on s.practice_code = r.practice_code
  where r.place <= s.slots
),
promoting_independence as (
  select person_id, reason from complex
  union all
  select person_id, reason from discretionary
),
final as (
  select person_id, 'BWGW' as segment, 'age_under_18' as reason
  from person_features
  where age_years < (select child_under_age from thresholds)
  union all
  select person_id, 'PI' as segment, reason from promoting_independence
  union all
  select person_id, 'LW' as segment, 'adult' as reason from adults
  where person_id not in (select person_id from promoting_independence)
)
select person_id, segment, reason from final order by person_id, reason;

-- segment_membership: one row per resident with the v1 flags.
insert into segment_membership (person_id, segment, reasons, transition, ltc, risk_score)
with t as (
  -- The rules' numeric settings (the version and the two dates are text).
  select name, cast(value as integer) as value from rule_parameter
  where name not in ('rules_version', 'as_of', 'window_start')
),
reasons as (
  select person_id, segment, string_agg(reason, ';' order by reason) as reasons
  from segment_reason
  group by person_id, segment
),
final as (
  select
    f.person_id,
    reasons.segment,
    reasons.reasons,
    -- Children-to-adult transitions: ages 16-25 with an EHC plan, a children's social care status, or an LTC.
    case
      when f.age_years between (select value from t where name = 'transitionMinAge') and (select value from t where name = 'transitionMaxAge')
        and (f.sen_provision = 'E' or f.csc_status is not null or f.ltc_count >= 1) then 1
      else 0
    end as transition,
    case when reasons.segment = 'LW' and f.ltc_count >= 1 then 1 else 0 end as ltc,
    risk_score.total as risk_score
  from person_features f
  join reasons on reasons.person_id = f.person_id
  join risk_score on risk_score.person_id = f.person_id
)
select * from final order by person_id;
