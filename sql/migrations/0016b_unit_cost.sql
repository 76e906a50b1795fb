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
