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
-- Whose activity counts, up to which day, and where it is costed. Built once
-- (`materialized`): both the point and the span costs look people up in it.
counted as materialized (
  select w.person_id, w.link_status, coalesce(w.left_on, params.as_of) as until,
    coalesce(m.segment, 'died_or_left') as segment, coalesce(p.practice_code, l.practice_code) as practice_code
  from window_person w
  cross join params
  left join segment_membership m on w.link_status = 'linked' and m.person_id = w.person_id
  left join person p on w.link_status = 'linked' and p.person_id = w.person_id
  left join window_leaver l on w.link_status = 'not_resident' and l.person_id = w.person_id
),
-- Every record of each source once: those with a person, and those that
-- reached no one (`<table>_unlinked`, a table of its own on Citus). GP events
-- are read apart, in `point_groups`.
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
-- Activity on one day (attendances, spells, contacts) of the window.
point_activity as (
  select person_id, link_status, start_date as on_date,
    case
      when activity_type = 'APC' and admission_method like '1%' then 'acute_activity.APC.elective'
      when activity_type = 'APC' and admission_method like '2%' then 'acute_activity.APC.non_elective'
      when activity_type = 'APC' then 'acute_activity.APC.other'
      else 'acute_activity.' || activity_type
    end as activity,
    cost_gbp
  from all_acute_activity
  cross join params
  where start_date between params.window_start and params.as_of
  union all
  select person_id, link_status, contact_date, 'community_contacts.' || service, cast(null as double precision)
  from all_community_contact
  cross join params
  where contact_date between params.window_start and params.as_of
),
-- The same, counted per person and activity before anything is joined, so
-- that `counted` is looked up once per person rather than once per record:
-- GP events alone are millions of rows. `after_left` holds apart what someone
-- who died or left did after that day. Records that reached no one have a
-- null person_id and are counted together, as `records`.
point_groups as (
  select a.person_id, a.link_status, u.service_line,
    case when a.on_date > l.left_on then 1 else 0 end as after_left,
    count(*) as records, sum(coalesce(a.cost_gbp, u.gbp)) as cost_gbp
  from point_activity a
  join unit_cost u on u.activity = a.activity
  left join window_leaver l on a.link_status = 'not_resident' and l.person_id = a.person_id
  group by a.person_id, a.link_status, u.service_line, after_left
  union all
  -- Primary care: a day with any coded entry is one consultation, however many codes it holds.
  select g.person_id, g.link_status, u.service_line,
    case when g.event_date > l.left_on then 1 else 0 end as after_left,
    count(distinct g.event_date), count(distinct g.event_date) * u.gbp
  from gp_event g
  join unit_cost u on u.activity = 'gp_events.consultation'
  left join window_leaver l on g.link_status = 'not_resident' and l.person_id = g.person_id
  cross join params
  where g.person_id is not null and g.event_date between params.window_start and params.as_of
  group by g.person_id, g.link_status, u.service_line, u.gbp, after_left
  union all
  -- An entry that reached no one is a consultation of its own: nothing tells whose day it was.
  select cast(null as text), g.link_status, u.service_line, 0, count(*), count(*) * u.gbp
  from gp_event_unlinked g
  join unit_cost u on u.activity = 'gp_events.consultation'
  cross join params
  where g.event_date between params.window_start and params.as_of
  group by g.link_status, u.service_line, u.gbp
),
point_costs as (
  select c.practice_code, coalesce(c.segment, 'unattributed') as segment, g.service_line,
    c.person_id as costed, case when c.person_id is null then g.records else 0 end as records, g.cost_gbp
  from point_groups g
  left join counted c on c.person_id = g.person_id and c.link_status = g.link_status and g.after_left = 0
),
-- Activity over days, priced per week: gathered first (`materialized`), so
-- that the three sources are joined to `counted` once, not each on its own.
span_activity as materialized (
  select person_id, link_status, event_start as start_on, event_end as end_on,
    'adult_social_care.' || coalesce(service_type, 'other') as activity, weekly_cost_gbp
  from all_adult_social_care_event
  where event_type = 'service'
  union all
  select person_id, link_status, start_date, end_date,
    'childrens_social_care.' || status, cast(null as double precision)
  from all_childrens_social_care_episode
  union all
  select person_id, link_status, start_date, end_date,
    'housing.' || tenure, cast(null as double precision)
  from all_housing_record
),
-- Each span's days inside the window, and how many of them its person counts (to the day they left):
-- `materialized`, as `span_costs` reads it twice.
span_days as materialized (
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
  select practice_code, segment, service_line, counted_person as costed, 0 as records, daily_gbp * counted_days as cost_gbp
  from span_days
  where counted_days > 0
  union all
  select cast(null as text), 'unattributed', service_line, cast(null as text), 1, daily_gbp * (window_days - counted_days)
  from span_days
  where window_days > counted_days
),
costs as (
  select * from point_costs
  union all
  select * from span_costs
),
final as (
  select practice_code, segment, service_line, count(distinct costed) + sum(records) as people, sum(cost_gbp) as cost_gbp
  from costs
  group by practice_code, segment, service_line
)
select * from final order by segment, service_line, coalesce(practice_code, '');
