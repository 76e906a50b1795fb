-- person_household: a resident whose GP registration carries no UPRN takes the
-- address of their most recent linked housing or benefits record, so that
-- households meet across sources whichever partner knows the address.
update person
set household_id = latest.household_id
from (
  select person_id, household_id,
    row_number() over (partition by person_id order by start_date desc, household_id) as recency
  from (
    select person_id, household_id, start_date from housing_record
    where link_status = 'linked' and household_id is not null
    union all
    select person_id, household_id, start_date from benefit_claim
    where link_status = 'linked' and household_id is not null
  ) as addresses
) as latest
where latest.person_id = person.person_id
  and latest.recency = 1
  and person.household_id is null;
