-- Residents as their GP registrations describe them, loaded from the spine
-- before any other partner's records. The person model
-- (`sql/models/person.sql`) builds `person` from it once housing and benefits
-- have loaded, filling in addresses only they know; the build then drops this
-- table, since `person` holds every one of its rows.
create table registered_person (
  person_id text primary key,
  year_of_birth integer not null,
  age_years integer not null,
  age_band text not null,
  sex text not null,
  ethnic_category text,
  practice_code text not null references practice (practice_code),
  registration_date text not null,
  lsoa text,
  imd_decile integer,
  postcode_district text not null,
  household_id text
);
