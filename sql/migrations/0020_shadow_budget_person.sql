-- Whom the shadow budget costs a record to, and up to which day: one row per
-- person a record's `person_id` and `link_status` can reach. Built by
-- sql/models/shadow_budget_person.sql. A table rather than `window_person`'s
-- union, so that on Citus the budget joins its records to it shard by shard.
create table shadow_budget_person (
  person_id text not null,
  link_status text not null,
  segment text not null,
  practice_code text references practice (practice_code),
  counted_until text not null,
  primary key (person_id, link_status)
);
