-- Council records linked by the probabilistic tier (`link_method =
-- probabilistic`) carry its match weight: the log2 likelihood ratio, in bits,
-- that the record and the resident are the same person. Null for every other
-- link, and for records left unlinked.
alter table adult_social_care_event add column match_weight double precision;
alter table childrens_social_care_episode add column match_weight double precision;
alter table housing_record add column match_weight double precision;
alter table benefit_claim add column match_weight double precision;
alter table education_record add column match_weight double precision;
