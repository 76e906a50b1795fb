-- complex_cohort: Promoting Independence members, ranked by risk score (ties by
-- person_id), with the reasons, conditions, use of services and the care,
-- housing and benefit flags a multidisciplinary team reviews.
with source as (
  select m.reasons, m.risk_score, f.*, p.age_band, p.sex, p.practice_code, pr.pcn, pr.locality
  from segment_membership m
  join person_features f on f.person_id = m.person_id
  join person p on p.person_id = m.person_id
  join practice pr on pr.practice_code = p.practice_code
  where m.segment = 'PI'
),
final as (
  select
    person_id,
    row_number() over (order by risk_score desc, person_id) as borough_rank,
    row_number() over (partition by practice_code order by risk_score desc, person_id) as practice_rank,
    practice_code, pcn, locality, age_band, sex,
    risk_score, reasons, ltc_count, ltcs, frailty,
    ae_attendances, non_elective_admissions, elective_admissions, bed_days, community_contacts,
    asc_service_type, asc_service_term, care_home, csc_status,
    housing_tenure, temporary_accommodation, homeless, overcrowded, notice_served,
    benefit_types, universal_credit, household_size, lives_alone
  from source
)
select * from final order by borough_rank
