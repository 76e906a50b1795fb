-- outcome_indicators: each indicator of the outcomes framework
-- (rules/outcomes-v1.json, where each is defined in words) as a numerator and
-- a denominator per segment, deprivation quintile, ethnic category and
-- locality, before disclosure control (applied when outcomes.csv and the
-- report are written). Quintile 1 is the most deprived fifth (IMD deciles 1
-- and 2); residents whose postcode no LSOA lookup covers are 'unknown'.
with params as (
  select
    (select value from rule_parameter where name = 'as_of') as as_of,
    (select value from rule_parameter where name = 'window_start') as window_start
),
resident as (
  select
    p.person_id,
    m.segment,
    coalesce(cast((p.imd_decile + 1) / 2 as text), 'unknown') as imd_quintile,
    coalesce(p.ethnic_category, '') as ethnic_category,
    pr.locality
  from person p
  join segment_membership m on m.person_id = p.person_id
  join practice pr on pr.practice_code = p.practice_code
),
seen_by_gp as (
  select distinct person_id
  from gp_event
  where link_status = 'linked'
    and event_date between (select window_start from params) and (select as_of from params)
),
mental_health_contact as (
  select distinct person_id
  from community_contact
  where link_status = 'linked' and service in ('community_mental_health', 'talking_therapies', 'crisis')
    and contact_date between (select window_start from params) and (select as_of from params)
),
-- The latest school census record each pupil has, as person_features reads it.
pupil as (
  select distinct person_id
  from education_record
  where link_status = 'linked' and census_date <= (select as_of from params)
),
-- Discharges whose 30 days after have all passed by the as-of date; a death
-- in hospital (destination 79) has no readmission to count.
discharge as (
  select a.person_id,
    case when exists (
      select 1 from acute_activity r
      where r.person_id = a.person_id and r.link_status = 'linked' and r.admission_category = 'non_elective'
        and r.source_row <> a.source_row
        and julianday(r.start_date) - julianday(a.end_date) between 0 and 30
    ) then 1 else 0 end as readmitted
  from acute_activity a
  cross join params
  where a.link_status = 'linked' and a.activity_type = 'APC' and a.end_date is not null
    and a.end_date >= params.window_start
    and julianday(params.as_of) - julianday(a.end_date) >= 30
    and coalesce(a.discharge_destination, '') <> '79'
),
readmission as (
  select person_id, sum(readmitted) as readmissions, count(*) as discharges
  from discharge
  group by person_id
),
measure as (
  select 'emergency_readmission_30d' as indicator, person_id, readmissions as numerator, discharges as denominator
  from readmission
  union all
  select 'universal_credit', person_id, universal_credit, 1 from person_features
  union all
  select 'temporary_accommodation', person_id,
    case when temporary_accommodation = 1 or homeless = 1 then 1 else 0 end, 1
  from person_features
  union all
  select 'overcrowding', person_id, overcrowded, 1 from person_features where housing_tenure is not null
  union all
  select 'gp_use', f.person_id, case when g.person_id is null then 0 else 1 end, 1
  from person_features f left join seen_by_gp g on g.person_id = f.person_id
  union all
  select 'community_mental_health_use', f.person_id, case when c.person_id is null then 0 else 1 end, 1
  from person_features f left join mental_health_contact c on c.person_id = f.person_id
  union all
  select 'ae_attendances', person_id, ae_attendances, 1 from person_features
  union all
  select 'emergency_admissions', person_id, non_elective_admissions, 1 from person_features
  union all
  select 'pi_living_at_home', f.person_id, 1 - f.care_home, 1
  from person_features f join segment_membership m on m.person_id = f.person_id
  where m.segment = 'PI'
  union all
  select 'free_school_meals', f.person_id, coalesce(f.fsm_eligible, 0), 1
  from person_features f join pupil on pupil.person_id = f.person_id
  union all
  select 'persistent_absence', f.person_id, case when f.attendance_pct < 90 then 1 else 0 end, 1
  from person_features f join pupil on pupil.person_id = f.person_id
  where f.attendance_pct is not null
  union all
  select 'ehc_plan', f.person_id, case when f.sen_provision = 'E' then 1 else 0 end, 1
  from person_features f join pupil on pupil.person_id = f.person_id
),
final as (
  select measure.indicator, resident.segment, resident.imd_quintile, resident.ethnic_category, resident.locality,
    sum(measure.numerator) as numerator, sum(measure.denominator) as denominator
  from measure
  join resident on resident.person_id = measure.person_id
  group by measure.indicator, resident.segment, resident.imd_quintile, resident.ethnic_category, resident.locality
)
select * from final order by indicator, segment, imd_quintile, ethnic_category, locality
