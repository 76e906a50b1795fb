-- person_condition: each resident's conditions from GP coded entries mapped
-- through the codelists; a condition counts when any of its codes is recorded
-- on or before the as-of date.
with rule_dates as (
  select (select value from rule_parameter where name = 'as_of') as as_of
),
-- Most GP events carry no code of any codelist: matching codes first (materialized, so the
-- planner cannot reorder it) leaves the resident check to the few percent that do.
coded as materialized (
  select gp_event.person_id, codelist_code.condition, codelist_code.kind, gp_event.event_date
  from gp_event
  join codelist_code on codelist_code.code = gp_event.snomed_code
  where gp_event.link_status = 'linked'
    and gp_event.event_date <= (select as_of from rule_dates)
),
source as (
  select coded.person_id, coded.condition, coded.kind, coded.event_date
  from coded
  join person on person.person_id = coded.person_id
),
final as (
  select person_id, condition, kind, min(event_date) as first_recorded, max(event_date) as last_recorded
  from source
  group by person_id, condition, kind
)
select * from final order by person_id, condition;
