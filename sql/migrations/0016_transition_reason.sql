-- Why a young person carries the transition flag: one row per criterion they
-- meet. Built once, by sql/models/transition_reason.sql, so that the flag in
-- segment_membership and the transitions list read the same criteria and
-- cannot drift apart.
create table transition_reason (
  person_id text not null,
  transition_reason text not null,
  primary key (person_id, transition_reason)
);
