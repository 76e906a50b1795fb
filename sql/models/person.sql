-- person: one row per resident, as their GP registration describes them
-- (registered_person, loaded from the spine). A registration without a UPRN
-- takes the address of the resident's latest linked housing or benefits
-- record, so that households meet across sources whichever partner knows the
-- address.
with registered as (
  select
    person_id, year_of_birth, age_years, age_band, sex, ethnic_category, practice_code, registration_date,
    lsoa, imd_decile, postcode_district, household_id
  from registered_person
),
addresses as (
  select person_id, household_id, start_date from housing_record
  where link_status = 'linked' and household_id is not null
  union all
  select person_id, household_id, start_date from benefit_claim
  where link_status = 'linked' and household_id is not null
),
latest_address as (
  select person_id, household_id
  from (
    select person_id, household_id,
      row_number() over (partition by person_id order by start_date desc, household_id) as recency
    from addresses
  ) as ranked
  where recency = 1
),
final as (
  select
    registered.person_id,
    registered.year_of_birth,
    registered.age_years,
    registered.age_band,
    registered.sex,
    registered.ethnic_category,
    registered.practice_code,
    registered.registration_date,
    registered.lsoa,
    registered.imd_decile,
    registered.postcode_district,
    coalesce(registered.household_id, latest_address.household_id) as household_id
  from registered
  left join latest_address on latest_address.person_id = registered.person_id
)
select * from final order by person_id;
