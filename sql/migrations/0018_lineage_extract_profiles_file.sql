-- The extract profiles file a workstream extract's fields come from, by path
-- and SHA-256, as the lineage log records it; null for a re-identified list
-- and for extracts taken before it was recorded.
alter table lineage_extract add column profiles_file text;
alter table lineage_extract add column profiles_sha256 text;
