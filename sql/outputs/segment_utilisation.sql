-- segment_utilisation: what each segment's residents used over the window, before
-- disclosure control (applied when the report is written): A&E attendances,
-- non-elective admissions and bed days, and residents receiving an adult
-- social care service on the as-of date.
with source as (
  select m.segment, f.ae_attendances, f.non_elective_admissions, f.bed_days, f.asc_service_type
  from segment_membership m
  join person_features f on f.person_id = m.person_id
),
final as (
  select
    segment,
    sum(ae_attendances) as ae_attendances,
    sum(non_elective_admissions) as non_elective_admissions,
    sum(bed_days) as bed_days,
    sum(case when asc_service_type is not null then 1 else 0 end) as adult_social_care_clients
  from source
  group by segment
)
select * from final order by segment
