-- household: one row per address shared by residents on the spine, so household
-- size and "lives alone" can be read off without any address.
with source as (
  select household_id from person where household_id is not null
),
final as (
  select household_id, count(*) as residents
  from source
  group by household_id
)
select * from final order by household_id;
