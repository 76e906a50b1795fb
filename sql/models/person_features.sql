-- person_features: one row per resident, over the rules' window (windowDays) up
-- to and including the as-of date (activity) or on the as-of date (current
-- services).
with rule_dates as (
  select
    (select value from rule_parameter where name = 'as_of') as as_of,
    (select value from rule_parameter where name = 'window_start') as window_start
),
conditions as (
  select
    person_id,
    sum(case when kind = 'ltc' then 1 else 0 end) as ltc_count,
    string_agg(case when kind = 'ltc' then condition end, ';' order by condition) as ltcs,
    max(case when condition = 'palliative_care' then 1 else 0 end) as palliative_care,
    max(case when condition = 'dementia' then 1 else 0 end) as dementia,
    max(case when condition = 'housebound' then 1 else 0 end) as housebound,
    max(case when condition = 'care_home' then 1 else 0 end) as care_home,
    max(case when condition = 'autism' then 1 else 0 end) as autism
  from person_condition
  group by person_id
),
-- Frailty: the latest moderate or severe frailty record sets the level.
frailty as (
  select person_id, case when condition = 'severe_frailty' then 'severe' else 'moderate' end as frailty
  from (
    select person_id, condition,
      row_number() over (partition by person_id order by last_recorded desc, condition desc) as recency
    from person_condition
    where kind = 'frailty'
  ) as ranked
  where recency = 1
),
acute as (
  select
    person_id,
    sum(case when activity_type = 'AE' then 1 else 0 end) as ae_attendances,
    sum(case when admission_category = 'non_elective' then 1 else 0 end) as non_elective_admissions,
    sum(case when admission_category = 'elective' then 1 else 0 end) as elective_admissions,
    sum(case when activity_type = 'APC' then coalesce(bed_days, 0) else 0 end) as bed_days,
    sum(case when activity_type = 'OP' then 1 else 0 end) as outpatient_attendances,
    sum(coalesce(cost_gbp, 0)) as acute_cost_gbp
  from acute_activity
  where link_status = 'linked'
    and start_date between (select window_start from rule_dates) and (select as_of from rule_dates)
  group by person_id
),
community as (
  select person_id, count(*) as community_contacts
  from community_contact
  where link_status = 'linked'
    and contact_date between (select window_start from rule_dates) and (select as_of from rule_dates)
  group by person_id
),
-- Adult social care services running on the as-of date; long-term ones first.
asc_current as (
  select person_id, service_type, service_term, weekly_cost_gbp,
    row_number() over (
      partition by person_id
      order by case when service_term = 'long_term' then 0 else 1 end, event_start desc, service_type nulls first
    ) as priority,
    sum(coalesce(weekly_cost_gbp, 0)) over (partition by person_id) as total_weekly_cost_gbp
  from adult_social_care_event
  where link_status = 'linked' and event_type = 'service'
    and event_start <= (select as_of from rule_dates)
    and (event_end is null or event_end >= (select as_of from rule_dates))
),
csc_current as (
  select person_id, status,
    row_number() over (partition by person_id order by start_date desc, status) as recency
  from childrens_social_care_episode
  where link_status = 'linked'
    and start_date <= (select as_of from rule_dates)
    and (end_date is null or end_date >= (select as_of from rule_dates))
),
housing_current as (
  select person_id, tenure, overcrowded, notice_served,
    row_number() over (partition by person_id order by start_date desc, tenure) as recency
  from housing_record
  where link_status = 'linked'
    and start_date <= (select as_of from rule_dates)
    and (end_date is null or end_date >= (select as_of from rule_dates))
),
benefits_current as (
  select person_id,
    string_agg(benefit_type, ';' order by benefit_type) as benefit_types,
    max(coalesce(universal_credit, 0)) as universal_credit
  from (
    select distinct person_id, benefit_type, universal_credit from benefit_claim
    where link_status = 'linked'
      and start_date <= (select as_of from rule_dates)
      and (end_date is null or end_date >= (select as_of from rule_dates))
  ) as current_claims
  group by person_id
),
education_latest as (
  select person_id, sen_provision, sen_primary_need, fsm_eligible, attendance_pct,
    row_number() over (partition by person_id order by census_date desc, school_urn) as recency
  from education_record
  where link_status = 'linked' and census_date <= (select as_of from rule_dates)
),
final as (
  select
    person.person_id,
    person.age_years,
    coalesce(conditions.ltc_count, 0) as ltc_count,
    conditions.ltcs,
    coalesce(conditions.palliative_care, 0) as palliative_care,
    coalesce(conditions.dementia, 0) as dementia,
    coalesce(frailty.frailty, 'none') as frailty,
    coalesce(conditions.housebound, 0) as housebound,
    -- A care home resident by GP record, or by a residential or nursing placement today.
    case
      when conditions.care_home = 1 or asc_current.service_type in ('residential_care', 'nursing_care') then 1
      else 0
    end as care_home,
    coalesce(conditions.autism, 0) as autism,
    coalesce(acute.ae_attendances, 0) as ae_attendances,
    coalesce(acute.non_elective_admissions, 0) as non_elective_admissions,
    coalesce(acute.elective_admissions, 0) as elective_admissions,
    coalesce(acute.bed_days, 0) as bed_days,
    coalesce(acute.outpatient_attendances, 0) as outpatient_attendances,
    coalesce(community.community_contacts, 0) as community_contacts,
    coalesce(acute.acute_cost_gbp, 0) as acute_cost_gbp,
    asc_current.service_type as asc_service_type,
    asc_current.service_term as asc_service_term,
    asc_current.total_weekly_cost_gbp as asc_weekly_cost_gbp,
    csc_current.status as csc_status,
    housing_current.tenure as housing_tenure,
    case when housing_current.tenure = 'temporary_accommodation' then 1 else 0 end as temporary_accommodation,
    case when housing_current.tenure = 'homeless' then 1 else 0 end as homeless,
    coalesce(housing_current.overcrowded, 0) as overcrowded,
    coalesce(housing_current.notice_served, 0) as notice_served,
    case when housing_current.tenure = 'sheltered' then 1 else 0 end as sheltered,
    benefits_current.benefit_types,
    coalesce(benefits_current.universal_credit, 0) as universal_credit,
    education_latest.sen_provision,
    education_latest.sen_primary_need,
    education_latest.fsm_eligible,
    education_latest.attendance_pct,
    household.residents as household_size,
    case when household.residents = 1 then 1 when household.residents is not null then 0 end as lives_alone
  from person
  left join conditions on conditions.person_id = person.person_id
  left join frailty on frailty.person_id = person.person_id
  left join acute on acute.person_id = person.person_id
  left join community on community.person_id = person.person_id
  left join asc_current on asc_current.person_id = person.person_id and asc_current.priority = 1
  left join csc_current on csc_current.person_id = person.person_id and csc_current.recency = 1
  left join housing_current on housing_current.person_id = person.person_id and housing_current.recency = 1
  left join benefits_current on benefits_current.person_id = person.person_id
  left join education_latest on education_latest.person_id = person.person_id and education_latest.recency = 1
  left join household on household.household_id = person.household_id
)
select * from final order by person_id;
