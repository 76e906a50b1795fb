-- shadow_budget_person: whom the shadow budget costs a record to, and up to
-- which day. Records linked to a resident are costed to the resident's
-- segment and practice up to the as-of date; records of someone who died or
-- left during the window (`window_leaver`, linked as `not_resident`) to
-- `died_or_left` at the practice they left, up to the day they left. These
-- are `window_person`'s people, with what the budget needs of each in one
-- table that sql/models/shadow_budget_cost.sql joins its records to.
with params as (
  select (select value from rule_parameter where name = 'as_of') as as_of
),
final as (
  select p.person_id, 'linked' as link_status, m.segment, p.practice_code,
    (select as_of from params) as counted_until
  from person p
  left join segment_membership m on m.person_id = p.person_id
  union all
  select person_id, 'not_resident', 'died_or_left', practice_code, left_on
  from window_leaver
)
select * from final order by person_id, link_status
