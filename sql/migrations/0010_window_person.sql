-- Whose activity the window's figures count: residents, through their linked
-- records; and who died or left during the window (`window_leaver`), through
-- their records, linked as not resident under the same pseudonym, up to and
-- including the day they left (`left_on`; null for a resident). What someone
-- did after leaving is another borough's activity, or nobody's. One
-- definition for the BCF metrics and the shadow budget; a record counts when
-- it matches a row here on both `person_id` and `link_status`.
create view window_person as
select person_id, age_years, 'linked' as link_status, cast(null as text) as left_on, cast(null as text) as left_reason
from person
union all
select person_id, age_years, 'not_resident', left_on, reason
from window_leaver;
