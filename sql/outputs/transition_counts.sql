-- transition_counts: residents with the transition flag (the children-to-adult
-- transitions cohort) per segment, before disclosure control (applied when
-- the summary and the report are written).
select segment, count(*) as residents
from segment_membership
where transition = 1
group by segment
order by segment
