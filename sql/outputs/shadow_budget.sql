-- shadow_budget: what each segment's residents cost per service line over the
-- window: acute activity as costed by the trust; adult social care as weekly
-- cost times the weeks each service ran inside the window.
with params as (
  select
    (select value from rule_parameter where name = 'as_of') as as_of,
    (select value from rule_parameter where name = 'window_start') as window_start
),
acute as (
  select person_id, 'acute' as service_line, sum(cost_gbp) as cost_gbp
  from acute_activity
  where link_status = 'linked' and cost_gbp is not null
    and start_date between (select window_start from params) and (select as_of from params)
  group by person_id
),
social_care as (
  select person_id, 'adult_social_care' as service_line,
    sum(
      weekly_cost_gbp
      -- Days the service ran inside the window, ends included.
      * (julianday(case when event_end < params.as_of then event_end else params.as_of end)
         - julianday(case when event_start > params.window_start then event_start else params.window_start end) + 1) / 7.0
    ) as cost_gbp
  from adult_social_care_event, params
  where link_status = 'linked' and event_type = 'service' and weekly_cost_gbp is not null
    and event_start <= params.as_of
    and (event_end is null or event_end >= params.window_start)
  group by person_id
),
costs as (
  select * from acute
  union all
  select * from social_care
),
final as (
  select m.segment, costs.service_line, count(distinct costs.person_id) as people, sum(costs.cost_gbp) as cost_gbp
  from costs
  join segment_membership m on m.person_id = costs.person_id
  group by m.segment, costs.service_line
)
select * from final order by segment, service_line
