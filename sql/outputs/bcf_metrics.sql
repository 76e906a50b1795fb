-- bcf_metrics: the Better Care Fund metrics from linked data, over the window.
with params as (
  select
    (select value from rule_parameter where name = 'as_of') as as_of,
    (select value from rule_parameter where name = 'window_start') as window_start,
    (select cast(value as integer) from rule_parameter where name = 'shortStayMaxDays') as short_stay_max_days
),
residents as (
  select count(*) as all_ages, sum(case when age_years >= 65 then 1 else 0 end) as aged_65_plus from person
),
-- Whose activity the window's figures count: residents, through their linked
-- records; and who died or left during the window, through their records
-- (linked as not resident under the same pseudonym) up to the day they left.
-- What someone did after leaving is another borough's activity, or nobody's.
counted_person as (
  select person_id, age_years, 'linked' as link_status, cast(null as text) as left_on, cast(null as text) as left_reason
  from person
  union all
  select person_id, age_years, 'not_resident', left_on, reason from window_leaver
),
-- Per 100,000 residents: the denominator is the population on the as-of date,
-- as the national one is a population estimate, not everyone seen in the year.
non_elective as (
  select count(*) as admissions
  from acute_activity a
  join counted_person p on p.person_id = a.person_id and p.link_status = a.link_status
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
  select e.person_id, e.event_start,
    case
      when e.event_end is null then 1
      when julianday(e.event_end) - julianday(e.event_start) + 1 > params.short_stay_max_days then 1
      when p.left_reason = 'died' and julianday(p.left_on) <= julianday(e.event_end) + 1 then 1
      else 0
    end as permanent
  from adult_social_care_event e
  join counted_person p on p.person_id = e.person_id and p.link_status = e.link_status
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
-- Reablement: people 65+ whose reablement in the window has a known 91-day outcome;
-- with several episodes a person counts as at home only if every known outcome was.
reablement as (
  select count(*) as people, sum(case when outcome = 'at_home' then 1 else 0 end) as at_home
  from (
    select e.person_id, max(e.reablement_outcome_91d) as outcome
    from adult_social_care_event e
    join person p on p.person_id = e.person_id
    where e.link_status = 'linked' and e.service_type = 'reablement' and p.age_years >= 65
      and e.reablement_outcome_91d in ('at_home', 'not_at_home', 'deceased')
      and e.event_start between (select window_start from params) and (select as_of from params)
    group by e.person_id
  ) as outcomes
),
final as (
  select 'non_elective_admissions_per_100000' as metric, non_elective.admissions as numerator, residents.all_ages as denominator,
    100000.0 as per
  from non_elective, residents
  union all
  select 'permanent_care_home_admissions_65_plus_per_100000', care_home_admissions.people, residents.aged_65_plus, 100000.0
  from care_home_admissions, residents
  union all
  select 'still_at_home_91_days_after_reablement_65_plus_percent', reablement.at_home, reablement.people, 100.0
  from reablement
)
select metric, coalesce(numerator, 0) as numerator, coalesce(denominator, 0) as denominator, per from final
