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
--   - to the segment and practice of the person it reached, up to the day
--     they are counted to (`shadow_budget_person`: residents to the as-of
--     date; people who died or left during the window to `died_or_left`, up
--     to the day they left);
--   - to `unattributed` (no practice) when it reached no one: unlinked, no or
--     an invalid NHS number, not a resident, or after the person left.
-- `people` counts the people costed; on `unattributed` lines, the records.
--
-- The records with a person are priced, and joined to the people they are
-- costed to, inside the parts of a union; the records that reached no one
-- (`<table>_unlinked`) are priced apart and meet the rest as budget lines.
-- On Citus this is what lets the workers cost each shard's records where they
-- lie (docs/postgresql.md, "What Citus pulls to the coordinator").
with params as (
  select
    (select value from rule_parameter where name = 'as_of') as as_of,
    (select value from rule_parameter where name = 'window_start') as window_start
),
-- The tariff activity of each kind of acute record there is: its type and,
-- for a spell, how it was admitted (elective methods begin 1, emergency 2).
acute_tariff as (
  select activity_type, admission_method,
    case
      when activity_type = 'APC' and admission_method like '1%' then 'acute_activity.APC.elective'
      when activity_type = 'APC' and admission_method like '2%' then 'acute_activity.APC.non_elective'
      when activity_type = 'APC' then 'acute_activity.APC.other'
      else 'acute_activity.' || activity_type
    end as activity
  from (
    select distinct activity_type, coalesce(admission_method, '') as admission_method
    from acute_activity
    where person_id is not null
    union
    select distinct activity_type, coalesce(admission_method, '')
    from acute_activity_unlinked
  ) as kinds
),
-- Activity on one day of the window, records with a person: attendances,
-- spells, contacts, and in primary care a day with any coded entry (one
-- consultation, however many codes it holds), each costed to the person it
-- reached (`costed`) if they are counted on that day.
point_costs as (
  select a.practice_code, coalesce(a.segment, 'unattributed') as segment, a.service_line,
    count(distinct a.costed) as people,
    sum(case when a.costed is null then a.records else 0 end) as records,
    sum(a.cost_gbp) as cost_gbp
  from (
    select r.person_id, c.person_id as costed, c.practice_code, c.segment, u.service_line,
      1 as records, coalesce(r.cost_gbp, u.gbp) as cost_gbp
    from acute_activity r
    join acute_tariff t on t.activity_type = r.activity_type and t.admission_method = coalesce(r.admission_method, '')
    join unit_cost u on u.activity = t.activity
    left join shadow_budget_person c
      on c.person_id = r.person_id and c.link_status = r.link_status and r.start_date <= c.counted_until
    where r.person_id is not null
      and r.start_date between (select window_start from params) and (select as_of from params)
    union all
    select r.person_id, c.person_id, c.practice_code, c.segment, u.service_line, 1, u.gbp
    from community_contact r
    join unit_cost u on u.activity = 'community_contacts.' || r.service
    left join shadow_budget_person c
      on c.person_id = r.person_id and c.link_status = r.link_status and r.contact_date <= c.counted_until
    where r.person_id is not null
      and r.contact_date between (select window_start from params) and (select as_of from params)
    union all
    -- GP events, millions of them, are counted per person (the days after
    -- someone left apart) before they meet `shadow_budget_person`. Only a
    -- record not resident can be after its person left: only those look up
    -- the day (a look-up per GP event cost SQLite 3 s at 330,000 residents).
    select g.person_id, c.person_id, c.practice_code, c.segment, u.service_line, g.days, g.days * u.gbp
    from (
      select r.person_id, r.link_status, 0 as after_left, count(distinct r.event_date) as days
      from gp_event r
      where r.person_id is not null and r.link_status <> 'not_resident'
        and r.event_date between (select window_start from params) and (select as_of from params)
      group by r.person_id, r.link_status
      union all
      select r.person_id, r.link_status,
        case when r.event_date > l.left_on then 1 else 0 end as after_left, count(distinct r.event_date) as days
      from gp_event r
      left join window_leaver l on l.person_id = r.person_id
      where r.person_id is not null and r.link_status = 'not_resident'
        and r.event_date between (select window_start from params) and (select as_of from params)
      group by r.person_id, r.link_status, after_left
    ) g
    join unit_cost u on u.activity = 'gp_events.consultation'
    left join shadow_budget_person c
      on c.person_id = g.person_id and c.link_status = g.link_status and g.after_left = 0
  ) a
  group by a.practice_code, coalesce(a.segment, 'unattributed'), a.service_line
),
-- Activity over days, records with a person, priced per day for the days it
-- ran inside the window (`first_day` to `last_day`): the days its person is
-- counted on (to `counted_until`) are costed to them, the rest (`rest_`) to
-- `unattributed`. Summed per line here, where the workers can.
span_groups as (
  select d.practice_code, d.segment, d.service_line,
    count(distinct d.costed) as people,
    sum(d.daily_gbp * d.counted_days) as cost_gbp,
    sum(case when d.window_days > d.counted_days then 1 else 0 end) as rest_records,
    sum(d.daily_gbp * (d.window_days - d.counted_days)) as rest_cost_gbp
  from (
    select s.service_line, s.daily_gbp, c.practice_code, c.segment, c.person_id as costed,
      julianday(s.last_day) - julianday(s.first_day) + 1 as window_days,
      case
        when c.person_id is null then 0
        when c.counted_until < s.last_day then julianday(c.counted_until) - julianday(s.first_day) + 1
        else julianday(s.last_day) - julianday(s.first_day) + 1
      end as counted_days
    from (
      select a.*,
        case when a.start_on > (select window_start from params) then a.start_on else (select window_start from params) end
          as first_day,
        case when a.end_on is null or a.end_on > (select as_of from params) then (select as_of from params) else a.end_on end
          as last_day
      from (
        select r.person_id, r.link_status, r.event_start as start_on, r.event_end as end_on, u.service_line,
          coalesce(r.weekly_cost_gbp, u.gbp) / 7.0 as daily_gbp
        from adult_social_care_event r
        join unit_cost u on u.activity = 'adult_social_care.' || coalesce(r.service_type, 'other')
        where r.person_id is not null and r.event_type = 'service'
        union all
        select r.person_id, r.link_status, r.start_date, r.end_date, u.service_line, u.gbp / 7.0
        from childrens_social_care_episode r
        join unit_cost u on u.activity = 'childrens_social_care.' || r.status
        where r.person_id is not null
        union all
        select r.person_id, r.link_status, r.start_date, r.end_date, u.service_line, u.gbp / 7.0
        from housing_record r
        join unit_cost u on u.activity = 'housing.' || r.tenure
        where r.person_id is not null
      ) a
      where a.start_on <= (select as_of from params)
        and (a.end_on is null or a.end_on >= (select window_start from params))
    ) s
    left join shadow_budget_person c
      on c.person_id = s.person_id and c.link_status = s.link_status and c.counted_until >= s.first_day
  ) d
  group by d.practice_code, d.segment, d.service_line
),
span_costs as (
  select practice_code, segment, service_line, people, 0 as records, cost_gbp
  from span_groups
  where people > 0
  union all
  select cast(null as text), 'unattributed', service_line, 0, rest_records, rest_cost_gbp
  from span_groups
  where rest_records > 0
),
-- The records that reached no one (`<table>_unlinked`), each `unattributed`
-- at its price as above: on Citus they are distributed apart from the
-- people, so a union with the records above would gather those on the
-- coordinator. A GP entry that reached no one is a consultation of its own:
-- nothing tells whose day it was.
unlinked_costs as (
  select cast(null as text), 'unattributed', a.service_line, 0, count(*), sum(a.cost_gbp)
  from (
    select u.service_line, coalesce(r.cost_gbp, u.gbp) as cost_gbp
    from acute_activity_unlinked r
    join acute_tariff t on t.activity_type = r.activity_type and t.admission_method = coalesce(r.admission_method, '')
    join unit_cost u on u.activity = t.activity
    where r.start_date between (select window_start from params) and (select as_of from params)
    union all
    select u.service_line, u.gbp
    from community_contact_unlinked r
    join unit_cost u on u.activity = 'community_contacts.' || r.service
    where r.contact_date between (select window_start from params) and (select as_of from params)
    union all
    select u.service_line, u.gbp
    from gp_event_unlinked r
    join unit_cost u on u.activity = 'gp_events.consultation'
    where r.event_date between (select window_start from params) and (select as_of from params)
    union all
    select s.service_line,
      s.daily_gbp * (julianday(case when s.end_on is null or s.end_on > (select as_of from params) then (select as_of from params) else s.end_on end)
        - julianday(case when s.start_on > (select window_start from params) then s.start_on else (select window_start from params) end) + 1)
    from (
      select r.event_start as start_on, r.event_end as end_on, u.service_line, coalesce(r.weekly_cost_gbp, u.gbp) / 7.0 as daily_gbp
      from adult_social_care_event_unlinked r
      join unit_cost u on u.activity = 'adult_social_care.' || coalesce(r.service_type, 'other')
      where r.event_type = 'service'
      union all
      select r.start_date, r.end_date, u.service_line, u.gbp / 7.0
      from childrens_social_care_episode_unlinked r
      join unit_cost u on u.activity = 'childrens_social_care.' || r.status
      union all
      select r.start_date, r.end_date, u.service_line, u.gbp / 7.0
      from housing_record_unlinked r
      join unit_cost u on u.activity = 'housing.' || r.tenure
    ) s
    where s.start_on <= (select as_of from params)
      and (s.end_on is null or s.end_on >= (select window_start from params))
  ) a
  group by a.service_line
),
costs as (
  select * from point_costs
  union all
  select * from span_costs
  union all
  select * from unlinked_costs
),
final as (
  select practice_code, segment, service_line, sum(people) + sum(records) as people, sum(cost_gbp) as cost_gbp
  from costs
  group by practice_code, segment, service_line
)
select * from final order by segment, service_line, coalesce(practice_code, '')
