// Peer baseline: DuckDB loads the same synthetic borough that wsd runs on.
// Per extract: read_csv (all text), validate NHS numbers (format + mod 11) and
// dates, derive sha256(key || 'nhs_number:' || nhs) as the pseudonym, keep the
// non-identifying columns, CTAS into a DuckDB file. Then the features join
// (events and activity per person) that wsd's models do. No demographic
// linkage, no segmentation, no outputs, no lineage: a lower bound on the work.
// usage: node duckdbPeer.mjs INBOX DBFILE THREADS
import { DuckDBInstance } from "@duckdb/node-api"
import fs from "node:fs"

const [inbox, dbFile, threads = "2"] = process.argv.slice(2)
fs.rmSync(dbFile, { force: true })
fs.rmSync(dbFile + ".wal", { force: true })
const t0 = performance.now()
const inst = await DuckDBInstance.create(dbFile, { threads })
const c = await inst.connect()
const key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
const validNhs = (col) => `(regexp_full_match(${col}, '[0-9]{10}') and (
  (11 - ((cast(substr(${col},1,1) as int)*10 + cast(substr(${col},2,1) as int)*9 + cast(substr(${col},3,1) as int)*8 +
   cast(substr(${col},4,1) as int)*7 + cast(substr(${col},5,1) as int)*6 + cast(substr(${col},6,1) as int)*5 +
   cast(substr(${col},7,1) as int)*4 + cast(substr(${col},8,1) as int)*3 + cast(substr(${col},9,1) as int)*2) % 11)) % 11
  ) = cast(substr(${col},10,1) as int))`
const pid = (col) => `substr(sha256('${key}' || 'nhs_number:' || ${col}), 1, 32)`
const rc = (f) => `read_csv('${inbox}/${f}.csv', all_varchar=true, header=true)`
const stmts = [
  `create table person as select ${pid("nhs_number")} as person_id, year(try_strptime(date_of_birth,'%Y-%m-%d')) as birth_year, sex, practice_code, ethnic_category,
     try_strptime(registration_date,'%Y-%m-%d') as registration_date, try_strptime(deregistration_date,'%Y-%m-%d') as deregistration_date
   from ${rc("gp_registrations")} where ${validNhs("nhs_number")} and try_strptime(date_of_birth,'%Y-%m-%d') is not null`,
  `create table gp_event as select ${pid("nhs_number")} as person_id, practice_code, snomed_code, try_strptime(event_date,'%Y-%m-%d') as event_date, try_cast(value as double) as value
   from ${rc("gp_events")} where ${validNhs("nhs_number")} and try_strptime(event_date,'%Y-%m-%d') is not null`,
  `create table acute as select ${pid("nhs_number")} as person_id, provider_code, activity_type, admission_method, try_strptime(start_date,'%Y-%m-%d') as start_date,
     try_strptime(end_date,'%Y-%m-%d') as end_date, primary_diagnosis, discharge_destination, try_cast(cost as double) as cost
   from ${rc("acute_activity")} where (nhs_number is null or ${validNhs("nhs_number")}) and try_strptime(start_date,'%Y-%m-%d') is not null`,
  `create table community as select ${pid("nhs_number")} as person_id, provider_code, service, try_strptime(contact_date,'%Y-%m-%d') as contact_date
   from ${rc("community_contacts")} where ${validNhs("nhs_number")}`,
  `create table opt_out as select ${pid("nhs_number")} as person_id from ${rc("opt_outs")} where ${validNhs("nhs_number")}`,
  `create table features as select p.person_id, count(distinct e.snomed_code) as codes,
     (select count(*) from acute a where a.person_id = p.person_id) as acute_n,
     (select count(*) from community m where m.person_id = p.person_id) as community_n
   from person p left join gp_event e using (person_id) group by p.person_id`
]
const stage = {}
for (const s of stmts) {
  const t = performance.now()
  await c.run(s)
  stage[s.match(/create table (\w+)/)[1]] = +((performance.now() - t) / 1000).toFixed(2)
}
await c.run("checkpoint")
const rows = (
  await c.runAndReadAll(
    "select (select count(*) from gp_event)+(select count(*) from person)+(select count(*) from acute) as n"
  )
).getRows()[0][0]
const wall = (performance.now() - t0) / 1000
console.log(
  JSON.stringify({ peer: "duckdb", threads: +threads, wall_s: +wall.toFixed(2), rows_loaded: Number(rows), stage })
)
