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
    pr.locality,
    p.lsoa
  from person p
  join segment_membership m on m.person_id = p.person_id
  join practice pr on pr.practice_code = p.practice_code
),
-- (Grouped rather than `distinct`: SQLite sorts millions of GP events faster than it dedupes them one by one.)
seen_by_gp as (
  select person_id
  from gp_event
  where link_status = 'linked'
    and event_date between (select window_start from params) and (select as_of from params)
  group by person_id
),
mental_health_contact as (
  select distinct person_id
  from community_contact
  where link_status = 'linked' and service in ('community_mental_health', 'talking_therapies', 'crisis')
    and contact_date between (select window_start from params) and (select as_of from params)
),
-- Pupils: residents with a school census record up to the as-of date (person_features reads their latest).
pupil as (
  select distinct person_id
  from education_record
  where link_status = 'linked' and census_date <= (select as_of from params)
),
-- Admitted spells of residents, each a discharge once it has ended.
admitted as (
  select person_id, source_row, start_date, end_date, admission_category, discharge_destination
  from acute_activity
  where link_status = 'linked' and activity_type = 'APC'
),
-- Discharges whose 30 days after have all passed by the as-of date, each with
-- whether an emergency admission began within them; a death in hospital
-- (destination 79) has no readmission to count.
discharge as (
  select d.person_id, d.source_row, max(case when r.source_row is null then 0 else 1 end) as readmitted
  from admitted d
  cross join params
  left join admitted r
    on r.person_id = d.person_id and r.admission_category = 'non_elective' and r.source_row <> d.source_row
    and julianday(r.start_date) - julianday(d.end_date) between 0 and 30
  where d.end_date is not null
    and d.end_date >= params.window_start
    and julianday(params.as_of) - julianday(d.end_date) >= 30
    and coalesce(d.discharge_destination, '') <> '79'
  group by d.person_id, d.source_row
),
readmission as (
  select person_id, sum(readmitted) as readmissions, count(*) as discharges
  from discharge
  group by person_id
),
-- The optional reference figures per LSOA (lsoa_environment.csv), one row each.
environment as (
  select lsoa, max(pm25_ugm3) as pm25_ugm3, max(crimes_per_1000) as crimes_per_1000
  from lsoa_environment
  group by lsoa
),
-- One row per resident: what each indicator counts of them, as
-- `<indicator>_n` (numerator) and `<indicator>_d` (denominator).
per_resident as (
  select
    r.segment, r.imd_quintile, r.ethnic_category, r.locality,
    coalesce(ra.readmissions, 0) as readmission_n,
    coalesce(ra.discharges, 0) as readmission_d,
    f.universal_credit as universal_credit_n,
    case when f.temporary_accommodation = 1 or f.homeless = 1 then 1 else 0 end as temporary_accommodation_n,
    case when f.housing_tenure is not null then f.overcrowded else 0 end as overcrowding_n,
    case when f.housing_tenure is not null then 1 else 0 end as overcrowding_d,
    case when g.person_id is null then 0 else 1 end as gp_use_n,
    case when c.person_id is null then 0 else 1 end as mental_health_n,
    f.ae_attendances as ae_attendances_n,
    f.non_elective_admissions as emergency_admissions_n,
    case when r.segment = 'PI' then 1 - f.care_home else 0 end as at_home_n,
    case when r.segment = 'PI' then 1 else 0 end as at_home_d,
    case when pupil.person_id is not null then coalesce(f.fsm_eligible, 0) else 0 end as fsm_n,
    case when pupil.person_id is not null then 1 else 0 end as pupil_d,
    case when pupil.person_id is not null and f.attendance_pct < 90 then 1 else 0 end as absence_n,
    case when pupil.person_id is not null and f.attendance_pct is not null then 1 else 0 end as absence_d,
    case when pupil.person_id is not null and f.sen_provision = 'E' then 1 else 0 end as ehc_n,
    -- Above 10 µg/m³ of PM2.5, England's 2040 target; above 100 crimes a year per 1,000, about London's rate.
    case when e.pm25_ugm3 > 10 then 1 else 0 end as air_n,
    case when e.pm25_ugm3 is not null then 1 else 0 end as air_d,
    case when e.crimes_per_1000 > 100 then 1 else 0 end as crime_n,
    case when e.crimes_per_1000 is not null then 1 else 0 end as crime_d
  from resident r
  join person_features f on f.person_id = r.person_id
  left join readmission ra on ra.person_id = r.person_id
  left join seen_by_gp g on g.person_id = r.person_id
  left join mental_health_contact c on c.person_id = r.person_id
  left join pupil on pupil.person_id = r.person_id
  left join environment e on e.lsoa = r.lsoa
),
cell as (
  select segment, imd_quintile, ethnic_category, locality, count(*) as residents,
    sum(readmission_n) as readmission_n, sum(readmission_d) as readmission_d,
    sum(universal_credit_n) as universal_credit_n,
    sum(temporary_accommodation_n) as temporary_accommodation_n,
    sum(overcrowding_n) as overcrowding_n, sum(overcrowding_d) as overcrowding_d,
    sum(gp_use_n) as gp_use_n,
    sum(mental_health_n) as mental_health_n,
    sum(ae_attendances_n) as ae_attendances_n,
    sum(emergency_admissions_n) as emergency_admissions_n,
    sum(at_home_n) as at_home_n, sum(at_home_d) as at_home_d,
    sum(fsm_n) as fsm_n, sum(pupil_d) as pupil_d,
    sum(absence_n) as absence_n, sum(absence_d) as absence_d,
    sum(ehc_n) as ehc_n,
    sum(air_n) as air_n, sum(air_d) as air_d,
    sum(crime_n) as crime_n, sum(crime_d) as crime_d
  from per_resident
  group by segment, imd_quintile, ethnic_category, locality
),
final as (
  select 'emergency_readmission_30d' as indicator, cell.*, readmission_n as numerator, readmission_d as denominator
  from cell
  union all
  select 'universal_credit', cell.*, universal_credit_n, residents from cell
  union all
  select 'temporary_accommodation', cell.*, temporary_accommodation_n, residents from cell
  union all
  select 'overcrowding', cell.*, overcrowding_n, overcrowding_d from cell
  union all
  select 'gp_use', cell.*, gp_use_n, residents from cell
  union all
  select 'community_mental_health_use', cell.*, mental_health_n, residents from cell
  union all
  select 'ae_attendances', cell.*, ae_attendances_n, residents from cell
  union all
  select 'emergency_admissions', cell.*, emergency_admissions_n, residents from cell
  union all
  select 'pi_living_at_home', cell.*, at_home_n, at_home_d from cell
  union all
  select 'free_school_meals', cell.*, fsm_n, pupil_d from cell
  union all
  select 'persistent_absence', cell.*, absence_n, absence_d from cell
  union all
  select 'ehc_plan', cell.*, ehc_n, pupil_d from cell
  union all
  select 'poor_air_quality', cell.*, air_n, air_d from cell
  union all
  select 'high_crime_area', cell.*, crime_n, crime_d from cell
)
select indicator, segment, imd_quintile, ethnic_category, locality, numerator, denominator
from final
where denominator > 0
order by indicator, segment, imd_quintile, ethnic_category, locality
