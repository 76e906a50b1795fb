-- The tariff file's price per unit of each activity the shadow budget costs
-- (`<source>.<code>`, e.g. `community_contacts.district_nursing`), with the
-- service line it is costed to: the budget query reads its prices here, so
-- an analyst sees in the warehouse which figure costed what.
create table unit_cost (
  activity text primary key,
  service_line text not null,
  unit text not null,
  gbp double precision not null
);

-- The shadow budget before disclosure control: the exact cost and people
-- (records, for `unattributed`) per practice, segment and service line; the
-- practice is null for `unattributed`. Built by sql/models/shadow_budget_cost.sql.
create table shadow_budget_cost (
  practice_code text references practice (practice_code),
  segment text not null,
  service_line text not null,
  people integer not null,
  cost_gbp double precision not null
);
