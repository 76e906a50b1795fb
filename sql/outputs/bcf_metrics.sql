-- bcf_metrics: the Better Care Fund metrics from linked data by their national
-- definitions, over the window (docs/outputs.md), counting the activity of
-- residents and of who died or left during it (`window_person`).
with params as (
  select
    (select value from rule_parameter where name = 'as_of') as as_of,
    (select value from rule_parameter where name = 'window_start') as window_start,
    (select cast(value as integer) from rule_parameter where name = 'shortStayMaxDays') as short_stay_max_days,
    (select cast(value as integer) from rule_parameter where name = 'reablementStartWithinDays') as reablement_start_within_days
),
residents as (
  select count(*) as all_ages, sum(case when age_years >= 65 then 1 else 0 end) as aged_65_plus from person
),
-- Per 100,000 residents: the denominator is the population on the as-of date,
-- as the national one is a population estimate, not everyone seen in the year.
non_elective as (
  select count(*) as admissions
  from acute_activity a
  join window_person p on p.person_id = a.person_id and p.link_status = a.link_status
  where a.admission_category = 'non_elective'
    and a.start_date between (select window_start from params) and (select as_of from params)
    and (p.left_on is null or a.start_date <= p.left_on)
),
-- Residential and nursing placements of people 65+, and whether each was
-- permanent: one that ended within shortStayMaxDays days (both ends counted)
-- was respite or a short stay, unless it ended because the person died.
-- One still running on the as-of date is permanent, as the national count
-- takes admissions as they happen.
care_home_placement as (
  select e.person_id, e.event_start, e.event_end,
    case
      when e.event_end is null then 1
      when julianday(e.event_end) - julianday(e.event_start) + 1 > params.short_stay_max_days then 1
      when p.left_reason = 'died' and julianday(p.left_on) <= julianday(e.event_end) + 1 then 1
      else 0
    end as permanent
  from adult_social_care_event e
  join window_person p on p.person_id = e.person_id and p.link_status = e.link_status
  cross join params
  where e.event_type = 'service' and e.service_type in ('residential_care', 'nursing_care') and p.age_years >= 65
    and (p.left_on is null or e.event_start <= p.left_on)
),
-- Permanent admissions: people 65+ whose first permanent placement began in
-- the window; someone already placed for good before it is no new admission.
care_home_admissions as (
  select count(*) as people
  from (
    select person_id, min(event_start) as first_start
    from care_home_placement
    where permanent = 1
    group by person_id
  ) as placements
  where first_start between (select window_start from params) and (select as_of from params)
),
-- ASCOF 2B: discharges of people 65+ from hospital (an admitted episode that
-- ended in the window) into reablement, a reablement service starting on the
-- day of discharge or up to reablementStartWithinDays days after. Only
-- discharges at least 91 days before the as-of date, whose day 91 has come;
-- each discharge counts, as the national return counts discharges.
reablement_discharge as (
  select distinct a.person_id, a.end_date as discharged_on, julianday(a.end_date) + 91 as day_91, p.left_on
  from acute_activity a
  join window_person p on p.person_id = a.person_id and p.link_status = a.link_status
  cross join params
  where a.activity_type = 'APC' and a.end_date is not null and p.age_years >= 65
    and a.end_date >= params.window_start
    and julianday(params.as_of) - julianday(a.end_date) >= 91
    and (p.left_on is null or a.end_date <= p.left_on)
    and exists (
      select 1 from adult_social_care_event r
      where r.person_id = a.person_id and r.event_type = 'service' and r.service_type = 'reablement'
        and julianday(r.event_start) - julianday(a.end_date) between 0 and params.reablement_start_within_days
    )
),
-- At home on day 91: still a resident (someone who died, or left the borough
-- and so is not known to be at home, is not), in no hospital spell covering the
-- day, and in no permanent care home placement on it (respite is no move).
-- Joined and grouped per discharge rather than asked per discharge: a
-- correlated look-up would read every hospital spell once for each.
reablement_day_91 as (
  select
    case
      when d.left_on is not null and julianday(d.left_on) <= d.day_91 then 0
      when max(h.source_row) is not null then 0
      when max(c.event_start) is not null then 0
      else 1
    end as at_home
  from reablement_discharge d
  left join acute_activity h
    on h.person_id = d.person_id and h.activity_type = 'APC'
    and julianday(h.start_date) <= d.day_91 and (h.end_date is null or julianday(h.end_date) > d.day_91)
  left join care_home_placement c
    on c.person_id = d.person_id and c.permanent = 1
    and julianday(c.event_start) <= d.day_91 and (c.event_end is null or julianday(c.event_end) >= d.day_91)
  group by d.person_id, d.discharged_on, d.day_91, d.left_on
),
reablement as (
  select count(*) as discharges, sum(at_home) as at_home from reablement_day_91
),
final as (
  select 'non_elective_admissions_per_100000' as metric, non_elective.admissions as numerator, residents.all_ages as denominator,
    100000.0 as per
  from non_elective, residents
  union all
  select 'permanent_care_home_admissions_65_plus_per_100000', care_home_admissions.people, residents.aged_65_plus, 100000.0
  from care_home_admissions, residents
  union all
  select 'still_at_home_91_days_after_reablement_65_plus_percent', reablement.at_home, reablement.discharges, 100.0
  from reablement
)
select metric, coalesce(numerator, 0) as numerator, coalesce(denominator, 0) as denominator, per from final
