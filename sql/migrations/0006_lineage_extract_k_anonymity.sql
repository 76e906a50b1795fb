-- A workstream extract's k and its re-identification figures before and
-- after generalising (JSON, as the lineage log records them); null for a
-- re-identified list, which is not generalised.
alter table lineage_extract add column k_anonymity text;
