-- person_household: a resident whose GP registration carries no UPRN takes the
-- address of their most recent linked housing or benefits record, so that
-- households meet across sources whichever partner knows the address.
update person
set household_id = (
  with source as (
    select person_id, household_id, start_date from housing_record
    where link_status = 'linked' and household_id is not null
    union all
    select person_id, household_id, start_date from benefit_claim
    where link_status = 'linked' and household_id is not null
  ),
  final as (
    select household_id from source
    where source.person_id = person.person_id
    order by start_date desc, household_id
    limit 1
  )
  select household_id from final
)
where household_id is null;
