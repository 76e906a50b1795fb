-- The whole-systems dataset: people on the spine, and every partner's records
-- in curated, pseudonymised form. No direct identifier has a column here:
-- people are `person_id`, addresses are `household_id`, dates of birth are
-- reduced to year of birth and age, postcodes to LSOA or district.

create table practice (
  practice_code text primary key,
  practice_name text not null,
  pcn text not null,
  locality text not null
);

-- Residents: registered with a borough practice, alive and registered on the as-of date.
create table person (
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

-- Every curated record table carries how it reached a person:
--   link_status: linked | not_resident | no_nhs_number | invalid_nhs_number
--   link_method: nhs_number when linked (demographic tiers join it later)
--   source_row:  the record's row in the partner's file (header = row 1)

create table gp_event (
  source_row integer not null,
  person_id text,
  link_status text not null,
  link_method text,
  practice_code text,
  snomed_code text not null,
  event_date text not null,
  value double precision
);

create table acute_activity (
  source_row integer not null,
  person_id text,
  link_status text not null,
  link_method text,
  provider_code text,
  activity_type text not null,
  admission_method text,
  admission_category text,
  start_date text not null,
  end_date text,
  bed_days integer,
  primary_diagnosis text,
  discharge_destination text,
  cost_gbp double precision
);

create table community_contact (
  source_row integer not null,
  person_id text,
  link_status text not null,
  link_method text,
  provider_code text,
  service text not null,
  contact_date text not null
);

create table adult_social_care_event (
  source_row integer not null,
  person_id text,
  link_status text not null,
  link_method text,
  event_type text not null,
  service_type text,
  service_term text,
  primary_support_reason text,
  event_start text not null,
  event_end text,
  weekly_cost_gbp double precision,
  reablement_outcome_91d text
);

create table childrens_social_care_episode (
  source_row integer not null,
  person_id text,
  link_status text not null,
  link_method text,
  status text not null,
  start_date text not null,
  end_date text
);

create table housing_record (
  source_row integer not null,
  person_id text,
  link_status text not null,
  link_method text,
  household_id text,
  tenure text not null,
  overcrowded integer,
  notice_served integer,
  start_date text not null,
  end_date text
);

create table benefit_claim (
  source_row integer not null,
  person_id text,
  link_status text not null,
  link_method text,
  household_id text,
  role text not null,
  benefit_type text not null,
  universal_credit integer,
  weekly_amount_gbp double precision,
  start_date text not null,
  end_date text
);

create table education_record (
  source_row integer not null,
  person_id text,
  link_status text not null,
  link_method text,
  school_urn text not null,
  census_date text not null,
  sen_provision text,
  sen_primary_need text,
  fsm_eligible integer,
  attendance_pct double precision,
  exclusions integer
);

-- Addresses (pseudonymised UPRNs) with the number of residents registered there.
create table household (
  household_id text primary key,
  residents integer not null
);
