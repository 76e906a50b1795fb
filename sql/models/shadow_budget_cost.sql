-- shadow_budget_cost: what the window's activity cost, per practice, segment
-- and service line, before disclosure control (the published borough, PCN
-- and locality lines are sums of these; sql/outputs/shadow_budget.sql reads
-- them). Built once per run, with the models, so that the published files
-- and the report read the same rows. Every record in the window is costed once:
--   - at the extract's own cost where it sends one (acute `cost_gbp`, adult
--     social care `weekly_cost_gbp`), else at the tariff's price for its
--     activity (`unit_cost`): per attendance, spell or contact; primary care
--     per day with a coded GP entry; social care and temporary accommodation
--     per week, for the days each ran inside the window, ends included;
--   - to the resident's segment and practice; or, for people who died or left
--     during the window (`window_person`), to `died_or_left` at the practice
--     they left, up to the day they left;
--   - to `unattributed` (no practice) when it reached no one: unlinked, no or
--     an invalid NHS number, not a resident, or after the person left.
-- `people` counts the people costed; on `unattributed` lines, the records.
with params as (
  select
    (select value from rule_parameter where name = 'as_of') as as_of,
    (select value from rule_parameter where name = 'window_start') as window_start
),
-- Whose activity counts, up to which day, and where it is costed.
counted as (
  select w.person_id, w.link_status, coalesce(w.left_on, params.as_of) as until,
    coalesce(m.segment, 'died_or_left') as segment, coalesce(p.practice_code, l.practice_code) as practice_code
  from window_person w
  cross join params
  left join segment_membership m on w.link_status = 'linked' and m.person_id = w.person_id
  left join person p on w.link_status = 'linked' and p.person_id = w.person_id
  left join window_leaver l on w.link_status = 'not_resident' and l.person_id = w.person_id
),
-- Every record of each source once: those with a person, and those that
-- reached no one (`<table>_unlinked`, a table of its own on Citus).
all_acute_activity as (
  select * from acute_activity where person_id is not null
  union all
  select * from acute_activity_unlinked
),
all_community_contact as (
  select * from community_contact where person_id is not null
  union all
  select * from community_contact_unlinked
),
all_gp_event as (
  select * from gp_event where person_id is not null
  union all
  select * from gp_event_unlinked
),
all_adult_social_care_event as (
  select * from adult_social_care_event where person_id is not null
  union all
  select * from adult_social_care_event_unlinked
),
all_childrens_social_care_episode as (
  select * from childrens_social_care_episode where person_id is not null
  union all
  select * from childrens_social_care_episode_unlinked
),
all_housing_record as (
  select * from housing_record where person_id is not null
  union all
  select * from housing_record_unlinked
),
-- Activity on one day: `record_key` tells one unlinked record from another.
point_activity as (
  select person_id, link_status, 'acute_activity:' || source_row as record_key, start_date as on_date,
    case
      when activity_type = 'APC' and admission_method like '1%' then 'acute_activity.APC.elective'
      when activity_type = 'APC' and admission_method like '2%' then 'acute_activity.APC.non_elective'
      when activity_type = 'APC' then 'acute_activity.APC.other'
      else 'acute_activity.' || activity_type
    end as activity,
    cost_gbp
  from all_acute_activity
  union all
  select person_id, link_status, 'community_contact:' || source_row, contact_date,
    'community_contacts.' || service, cast(null as double precision)
  from all_community_contact
  union all
  -- Primary care: a day with any coded entry is one consultation, however many codes it holds.
  select person_id, link_status, 'gp_event:' || min(source_row), event_date,
    'gp_events.consultation', cast(null as double precision)
  from all_gp_event
  group by person_id, link_status, event_date, case when person_id is null then source_row end
),
-- Activity over days, priced per week.
span_activity as (
  select person_id, link_status, 'adult_social_care_event:' || source_row as record_key,
    event_start as start_on, event_end as end_on,
    'adult_social_care.' || coalesce(service_type, 'other') as activity, weekly_cost_gbp
  from all_adult_social_care_event
  where event_type = 'service'
  union all
  select person_id, link_status, 'childrens_social_care_episode:' || source_row, start_date, end_date,
    'childrens_social_care.' || status, cast(null as double precision)
  from all_childrens_social_care_episode
  union all
  select person_id, link_status, 'housing_record:' || source_row, start_date, end_date,
    'housing.' || tenure, cast(null as double precision)
  from all_housing_record
),
point_costs as (
  select
    c.practice_code, coalesce(c.segment, 'unattributed') as segment, u.service_line,
    coalesce(c.person_id, a.record_key) as costed, coalesce(a.cost_gbp, u.gbp) as cost_gbp
  from point_activity a
  join unit_cost u on u.activity = a.activity
  cross join params
  left join counted c on c.person_id = a.person_id and c.link_status = a.link_status and a.on_date <= c.until
  where a.on_date between params.window_start and params.as_of
),
-- Each span's days inside the window, and how many of them its person counts (to the day they left).
span_days as (
  select a.*, u.service_line, coalesce(a.weekly_cost_gbp, u.gbp) / 7.0 as daily_gbp,
    c.person_id as counted_person, c.practice_code, c.segment,
    julianday(a.last_day) - julianday(a.first_day) + 1 as window_days,
    case
      when c.person_id is null or c.until < a.first_day then 0
      when c.until < a.last_day then julianday(c.until) - julianday(a.first_day) + 1
      else julianday(a.last_day) - julianday(a.first_day) + 1
    end as counted_days
  from (
    select s.*,
      case when s.start_on > params.window_start then s.start_on else params.window_start end as first_day,
      case when s.end_on is null or s.end_on > params.as_of then params.as_of else s.end_on end as last_day
    from span_activity s
    cross join params
    where s.start_on <= params.as_of and (s.end_on is null or s.end_on >= params.window_start)
  ) a
  join unit_cost u on u.activity = a.activity
  left join counted c on c.person_id = a.person_id and c.link_status = a.link_status
),
span_costs as (
  select practice_code, segment, service_line, counted_person as costed, daily_gbp * counted_days as cost_gbp
  from span_days
  where counted_days > 0
  union all
  select cast(null as text), 'unattributed', service_line, record_key, daily_gbp * (window_days - counted_days)
  from span_days
  where window_days > counted_days
),
costs as (
  select * from point_costs
  union all
  select * from span_costs
),
final as (
  select practice_code, segment, service_line, count(distinct costed) as people, sum(cost_gbp) as cost_gbp
  from costs
  group by practice_code, segment, service_line
)
select * from final order by segment, service_line, coalesce(practice_code, '');
