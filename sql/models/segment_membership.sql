-- segment_membership: one row per resident with their segment, its reasons
-- (from segment_reason) and the v1 flags (the transition flag from
-- transition_reason, where its criteria are written).
with reasons as (
  select person_id, segment, string_agg(reason, ';' order by reason) as reasons
  from segment_reason
  group by person_id, segment
),
-- A join rather than `in (select …)` in the select list, which Citus cannot run on its workers.
transitions as (
  select distinct person_id from transition_reason
),
final as (
  select
    features.person_id,
    reasons.segment,
    reasons.reasons,
    case when transitions.person_id is null then 0 else 1 end as transition,
    case when reasons.segment = 'LW' and features.ltc_count >= 1 then 1 else 0 end as ltc,
    risk_score.total as risk_score
  from person_features as features
  join reasons on reasons.person_id = features.person_id
  join risk_score on risk_score.person_id = features.person_id
  left join transitions on transitions.person_id = features.person_id
)
select * from final order by person_id;
