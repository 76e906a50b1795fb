-- Council records matched on demographics that lacked a given name or a date
-- of birth: kept and linked only on clear evidence, counted per source.
alter table lineage_input add column partial_demographics integer not null default 0;
