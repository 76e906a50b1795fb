-- risk_score: risk score v1, transparent points with every component kept.
with rule_numbers as (
  -- The rules' numeric settings (the version and the two dates are text).
  select name, cast(value as integer) as value from rule_parameter
  where name not in ('rules_version', 'as_of', 'window_start')
),
points as (
  select
    (select value from rule_numbers where name = 'age65to74') as aged_65_to_74,
    (select value from rule_numbers where name = 'age75to84') as aged_75_to_84,
    (select value from rule_numbers where name = 'age85plus') as aged_85_plus,
    (select value from rule_numbers where name = 'perLtc') as per_ltc,
    (select value from rule_numbers where name = 'maxLtcPoints') as max_ltc,
    (select value from rule_numbers where name = 'perNonElectiveAdmission') as per_non_elective_admission,
    (select value from rule_numbers where name = 'maxNonElectivePoints') as max_non_elective,
    (select value from rule_numbers where name = 'perAeAttendance') as per_ae_attendance,
    (select value from rule_numbers where name = 'maxAePoints') as max_ae,
    (select value from rule_numbers where name = 'longTermSocialCare') as long_term_social_care,
    (select value from rule_numbers where name = 'moderateFrailty') as moderate_frailty,
    (select value from rule_numbers where name = 'severeFrailty') as severe_frailty,
    (select value from rule_numbers where name = 'housingRisk') as housing_risk,
    (select value from rule_numbers where name = 'aged65PlusLivingAlone') as aged_65_plus_living_alone
),
components as (
  select
    features.person_id,
    case
      when features.age_years >= 85 then points.aged_85_plus
      when features.age_years >= 75 then points.aged_75_to_84
      when features.age_years >= 65 then points.aged_65_to_74
      else 0
    end as age_points,
    case
      when features.ltc_count * points.per_ltc < points.max_ltc then features.ltc_count * points.per_ltc
      else points.max_ltc
    end as ltc_points,
    case
      when features.non_elective_admissions * points.per_non_elective_admission < points.max_non_elective
        then features.non_elective_admissions * points.per_non_elective_admission
      else points.max_non_elective
    end as non_elective_points,
    case
      when features.ae_attendances * points.per_ae_attendance < points.max_ae
        then features.ae_attendances * points.per_ae_attendance
      else points.max_ae
    end as ae_points,
    case when features.asc_service_term = 'long_term' then points.long_term_social_care else 0 end
      as social_care_points,
    case features.frailty
      when 'severe' then points.severe_frailty
      when 'moderate' then points.moderate_frailty
      else 0
    end as frailty_points,
    case
      when features.temporary_accommodation = 1 or features.homeless = 1 or features.notice_served = 1
        then points.housing_risk
      else 0
    end as housing_points,
    case
      when features.age_years >= 65 and features.lives_alone = 1 then points.aged_65_plus_living_alone
      else 0
    end as living_alone_points
  from person_features as features, points
),
final as (
  select
    person_id,
    age_points,
    ltc_points,
    non_elective_points,
    ae_points,
    social_care_points,
    frailty_points,
    housing_points,
    living_alone_points,
    age_points + ltc_points + non_elective_points + ae_points + social_care_points + frailty_points
      + housing_points + living_alone_points as total
  from components
)
select * from final order by person_id;
