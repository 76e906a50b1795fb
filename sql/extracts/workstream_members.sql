-- workstream_members: one row per resident with every field a workstream
-- extract may carry. A profile in rules/extract-profiles-v1.json picks the
-- fields its recipient may receive; person_id is used only to derive the
-- recipient's own pseudonym and never leaves. household_id is not here at
-- all: it would let two recipients' files be joined.
select
  m.person_id,
  m.segment,
  m.reasons,
  m.transition,
  m.ltc,
  m.risk_score,
  p.age_years,
  p.age_band,
  p.sex,
  p.ethnic_category,
  p.practice_code,
  pr.pcn,
  pr.locality,
  p.lsoa,
  p.imd_decile,
  f.ltc_count,
  f.ltcs,
  f.palliative_care,
  f.dementia,
  f.frailty,
  f.housebound,
  f.care_home,
  f.autism,
  f.ae_attendances,
  f.non_elective_admissions,
  f.elective_admissions,
  f.bed_days,
  f.outpatient_attendances,
  f.community_contacts,
  f.acute_cost_gbp,
  f.asc_service_type,
  f.asc_service_term,
  f.asc_weekly_cost_gbp,
  f.csc_status,
  f.housing_tenure,
  f.temporary_accommodation,
  f.homeless,
  f.overcrowded,
  f.notice_served,
  f.sheltered,
  f.benefit_types,
  f.universal_credit,
  f.sen_provision,
  f.sen_primary_need,
  f.fsm_eligible,
  f.attendance_pct,
  f.household_size,
  f.lives_alone
from segment_membership m
join person p on p.person_id = m.person_id
join person_features f on f.person_id = m.person_id
join practice pr on pr.practice_code = p.practice_code
