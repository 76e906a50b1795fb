-- People who were residents during the window but died or deregistered before
-- the as-of date. Their records link as `not_resident` under this person_id;
-- the window's activity figures count them up to the day they left, while
-- every list, segment and summary stays residents only. Age on the day they
-- left, not a date of birth.
create table window_leaver (
  person_id text primary key,
  age_years integer not null,
  practice_code text not null references practice (practice_code),
  left_on text not null,
  reason text not null
);
