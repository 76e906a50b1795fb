-- A record table's rows that reached no resident (a null `person_id`:
-- unlinked, no or an invalid NHS number), read by name on every engine: SQL
-- that wants the records without a person reads `<table>_unlinked`, and SQL
-- that wants those with one reads `<table> where person_id is not null`. Here
-- they are views over the record table; on Citus, which refuses a null
-- distribution column, the layout replaces each view with a table of its own
-- that holds those rows (pipelines/warehouse/citus.ts), and the same SQL reads
-- the same rows. PostgreSQL fixes a view's columns when it is created: a
-- migration that adds a column to a record table recreates its view.
create view gp_event_unlinked as select * from gp_event where person_id is null;

create view acute_activity_unlinked as select * from acute_activity where person_id is null;

create view community_contact_unlinked as select * from community_contact where person_id is null;

create view adult_social_care_event_unlinked as
  select * from adult_social_care_event where person_id is null;

create view childrens_social_care_episode_unlinked as
  select * from childrens_social_care_episode where person_id is null;

create view housing_record_unlinked as select * from housing_record where person_id is null;

create view benefit_claim_unlinked as select * from benefit_claim where person_id is null;

create view education_record_unlinked as select * from education_record where person_id is null;
