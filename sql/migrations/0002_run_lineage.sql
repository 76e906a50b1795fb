-- What each run read, did and published: the lineage an IG reviewer queries.
-- Counts only; never a value from a resident's record.

create table run (
  run_id text primary key,
  started_at text not null,
  finished_at text,
  status text not null,
  failure_reason text,
  as_of text not null,
  software_version text not null,
  config_version text not null,
  key_fingerprint text,
  lineage_json text not null
);

create table lineage_input (
  run_id text not null references run (run_id),
  source text not null,
  status text not null,
  path text,
  bytes integer,
  sha256 text,
  rows_read integer not null,
  rows_accepted integer not null,
  rows_quarantined integer not null,
  -- NHS numbers present but invalid in optional columns (the rows were kept)
  invalid_nhs_numbers integer not null,
  unknown_columns text,
  primary key (run_id, source)
);

create table lineage_quarantine (
  run_id text not null references run (run_id),
  source text not null,
  field text not null,
  reason text not null,
  rows integer not null,
  primary key (run_id, source, field, reason)
);

-- Records per source by how they linked: link_status as in the record tables,
-- link_method the NHS number or demographic tier ('' when none); opted_out
-- counts records excluded for an opt-out.
create table lineage_linkage (
  run_id text not null references run (run_id),
  source text not null,
  link_status text not null,
  link_method text not null,
  rows integer not null,
  primary key (run_id, source, link_status, link_method)
);

create table lineage_stage (
  run_id text not null references run (run_id),
  stage text not null,
  rows_in integer not null,
  rows_out integer not null,
  duration_ms integer not null,
  primary key (run_id, stage)
);

-- Demographic linkage rate by deprivation (the record's IMD decile, or postcode
-- district without a lookup) and by ethnic category (measured on records whose
-- NHS number proves who they are: would demographics alone have found them?).
create table lineage_linkage_equity (
  run_id text not null references run (run_id),
  source text not null,
  dimension text not null,
  category text not null,
  records integer not null,
  linked integer not null,
  primary key (run_id, source, dimension, category)
);
