-- Derived features and segment membership. The rules that drive them are
-- data: `rule_parameter` holds the as-of date, the window and every threshold
-- and risk point of the rules version; `codelist_code` the codelists.

create table rule_parameter (
  name text primary key,
  value text not null
);

-- kind: ltc (counts towards long-term conditions), flag (ever recorded),
-- frailty (the latest moderate or severe frailty record sets the level)
create table codelist_code (
  condition text not null,
  kind text not null,
  code text not null,
  primary key (condition, code)
);

create table person_condition (
  person_id text not null,
  condition text not null,
  kind text not null,
  first_recorded text not null,
  last_recorded text not null,
  primary key (person_id, condition)
);

create table person_features (
  person_id text primary key,
  age_years integer not null,
  ltc_count integer not null,
  ltcs text,
  palliative_care integer not null,
  dementia integer not null,
  frailty text not null,
  housebound integer not null,
  care_home integer not null,
  autism integer not null,
  ae_attendances integer not null,
  non_elective_admissions integer not null,
  elective_admissions integer not null,
  bed_days integer not null,
  outpatient_attendances integer not null,
  community_contacts integer not null,
  acute_cost_gbp double precision not null,
  asc_service_type text,
  asc_service_term text,
  asc_weekly_cost_gbp double precision,
  csc_status text,
  housing_tenure text,
  temporary_accommodation integer not null,
  homeless integer not null,
  overcrowded integer not null,
  notice_served integer not null,
  sheltered integer not null,
  benefit_types text,
  universal_credit integer not null,
  sen_provision text,
  sen_primary_need text,
  fsm_eligible integer,
  attendance_pct double precision,
  household_size integer,
  lives_alone integer
);

create table risk_score (
  person_id text primary key,
  age_points integer not null,
  ltc_points integer not null,
  non_elective_points integer not null,
  ae_points integer not null,
  social_care_points integer not null,
  frailty_points integer not null,
  housing_points integer not null,
  living_alone_points integer not null,
  total integer not null
);

-- One row per resident: segment is BWGW, PI or LW; reasons lists the reason
-- codes that put the person there; transition and ltc are the v1 flags.
create table segment_membership (
  person_id text primary key,
  segment text not null,
  reasons text not null,
  transition integer not null,
  ltc integer not null,
  risk_score integer not null
);

create table segment_reason (
  person_id text not null,
  segment text not null,
  reason text not null,
  primary key (person_id, reason)
);
