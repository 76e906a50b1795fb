-- shadow_budget: what each segment's residents cost per service line over the
-- window: acute activity as costed by the trust; adult social care as weekly
-- cost times the weeks each service ran inside the window. People who died or
-- left during the window (`window_person`) are in no segment: their costs up
-- to the day they left are the lines of `died_or_left`, so that end-of-life
-- care does not vanish from the budget.
with params as (
  select
    (select value from rule_parameter where name = 'as_of') as as_of,
    (select value from rule_parameter where name = 'window_start') as window_start
),
-- The last day each person's activity counts: the as-of date, or the day they left.
counted as (
  select person_id, link_status, coalesce(left_on, (select as_of from params)) as until
  from window_person
),
acute as (
  select a.person_id, 'acute' as service_line, sum(a.cost_gbp) as cost_gbp
  from acute_activity a
  join counted c on c.person_id = a.person_id and c.link_status = a.link_status
  where a.cost_gbp is not null
    and a.start_date between (select window_start from params) and c.until
  group by a.person_id
),
social_care as (
  select e.person_id, 'adult_social_care' as service_line,
    sum(
      e.weekly_cost_gbp
      -- Days the service ran inside the window, ends included.
      * (julianday(case when e.event_end < c.until then e.event_end else c.until end)
         - julianday(case when e.event_start > params.window_start then e.event_start else params.window_start end) + 1) / 7.0
    ) as cost_gbp
  from adult_social_care_event e
  join counted c on c.person_id = e.person_id and c.link_status = e.link_status
  cross join params
  where e.event_type = 'service' and e.weekly_cost_gbp is not null
    and e.event_start <= c.until
    and (e.event_end is null or e.event_end >= params.window_start)
  group by e.person_id
),
costs as (
  select * from acute
  union all
  select * from social_care
),
final as (
  select coalesce(m.segment, 'died_or_left') as segment, costs.service_line,
    count(distinct costs.person_id) as people, sum(costs.cost_gbp) as cost_gbp
  from costs
  left join segment_membership m on m.person_id = costs.person_id
  group by coalesce(m.segment, 'died_or_left'), costs.service_line
)
select * from final order by segment, service_line
