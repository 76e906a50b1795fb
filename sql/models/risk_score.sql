-- risk_score: risk score v1, transparent points with every component kept.
insert into risk_score
with points as (
  -- The rules' numeric settings (the version and the two dates are text).
  select name, cast(value as integer) as value from rule_parameter
  where name not in ('rules_version', 'as_of', 'window_start')
),
p as (
  select
    (select value from points where name = 'age65to74') as age65to74,
    (select value from points where name = 'age75to84') as age75to84,
    (select value from points where name = 'age85plus') as age85plus,
    (select value from points where name = 'perLtc') as per_ltc,
    (select value from points where name = 'maxLtcPoints') as max_ltc,
    (select value from points where name = 'perNonElectiveAdmission') as per_nel,
    (select value from points where name = 'maxNonElectivePoints') as max_nel,
    (select value from points where name = 'perAeAttendance') as per_ae,
    (select value from points where name = 'maxAePoints') as max_ae,
    (select value from points where name = 'longTermSocialCare') as long_term_social_care,
    (select value from points where name = 'moderateFrailty') as moderate_frailty,
    (select value from points where name = 'severeFrailty') as severe_frailty,
    (select value from points where name = 'housingRisk') as housing_risk,
    (select value from points where name = 'aged65PlusLivingAlone') as living_alone
),
components as (
  select
    f.person_id,
    case when f.age_years >= 85 then p.age85plus when f.age_years >= 75 then p.age75to84 when f.age_years >= 65 then p.age65to74 else 0 end
      as age_points,
    case when f.ltc_count * p.per_ltc < p.max_ltc then f.ltc_count * p.per_ltc else p.max_ltc end as ltc_points,
    case when f.non_elective_admissions * p.per_nel < p.max_nel then f.non_elective_admissions * p.per_nel else p.max_nel end
      as non_elective_points,
    case when f.ae_attendances * p.per_ae < p.max_ae then f.ae_attendances * p.per_ae else p.max_ae end as ae_points,
    case when f.asc_service_term = 'long_term' then p.long_term_social_care else 0 end as social_care_points,
    case f.frailty when 'severe' then p.severe_frailty when 'moderate' then p.moderate_frailty else 0 end as frailty_points,
    case when f.temporary_accommodation = 1 or f.homeless = 1 or f.notice_served = 1 then p.housing_risk else 0 end as housing_points,
    case when f.age_years >= 65 and f.lives_alone = 1 then p.living_alone else 0 end as living_alone_points
  from person_features f, p
),
final as (
  select *,
    age_points + ltc_points + non_elective_points + ae_points + social_care_points + frailty_points + housing_points + living_alone_points
      as total
  from components
)
select * from final order by person_id;
