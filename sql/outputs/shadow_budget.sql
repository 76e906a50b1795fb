-- shadow_budget: the exact cost per practice, segment and service line
-- (the shadow_budget_cost model, where the costing is written), before
-- disclosure control, which the published files and the report apply.
select practice_code, segment, service_line, people, cost_gbp
from shadow_budget_cost
order by segment, service_line, coalesce(practice_code, '')
