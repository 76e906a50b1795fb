-- Files taken from earlier publications after their runs: workstream extracts
-- and re-identified direct-care lists, as the lineage log records them up to
-- the start of this run. Who, when, from which run, for whom and why, which
-- fields, how many rows, and the file's SHA-256.
create table lineage_extract (
  at text not null,
  kind text not null,
  run_id text not null,
  operator text not null,
  host text not null,
  workstream text,
  practice text,
  purpose text not null,
  recipient text not null,
  profile_version text not null,
  fields text not null,
  rows integer not null,
  path text not null,
  sha256 text not null,
  primary key (at, sha256)
);
