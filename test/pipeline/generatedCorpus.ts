/**
 * Bad-input cases that are not committed as files: too large to keep in the
 * repository, or links and directories that only mean something on the disk
 * they are made on. The corpus test writes them into a scratch copy of the
 * corpus, where each case's folder stands for the inbox. Each is named, and
 * has its expected outcome in `expected.json`, like every committed case.
 */
import * as fs from "node:fs"
import * as path from "node:path"

const OPT_OUT_HEADER = "nhs_number,opt_out_type,recorded_date\n"
const REGISTRATIONS = [
  "nhs_number,family_name,given_name,date_of_birth,sex,postcode,uprn,practice_code,registration_date,deregistration_date,date_of_death,ethnic_category",
  "9434765919,Whitfield,Joan,1953-03-14,F,E1 6AN,100023000001,F84003,1998-06-01,,,A",
  ""
].join("\n")

/** A registrations extract outside the case's inbox folder, beside the corpus's source folders. */
const outsideTheInbox = (file: string): string => {
  const target = path.join(path.dirname(path.dirname(file)), "elsewhere", "gp_registrations.csv")
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.writeFileSync(target, REGISTRATIONS)
  return target
}

/** Writes the case named by its corpus path (`<source>/<case>.csv`) at `file`. */
export const GENERATED_CASES: Readonly<Record<string, (file: string) => void>> = {
  // One cell of 10 MB between two good rows: the row is quarantined, the next one still read.
  "opt_outs/ten_megabyte_line.csv": (file) =>
    fs.writeFileSync(
      file,
      `${OPT_OUT_HEADER}9434765919,ndoo,2024-05-01\n4010232137,${"x".repeat(10 * 1024 * 1024)},2024-05-01\n4010232137,type1,2024-05-02\n`
    ),
  // Without a readable header nothing in the file can be read: the source fails.
  "opt_outs/header_over_a_megabyte.csv": (file) =>
    fs.writeFileSync(file, `nhs_number,opt_out_type,${"notes".repeat(300_000)}\n9434765919,ndoo\n`),
  // A link is followed only to a regular file inside the inbox.
  "gp_registrations/link_inside_inbox.csv": (file) => {
    const target = path.join(path.dirname(file), "registrations-2026-11-20.txt")
    fs.writeFileSync(target, REGISTRATIONS)
    fs.symlinkSync(path.basename(target), file)
  },
  "gp_registrations/link_outside_inbox.csv": (file) => fs.symlinkSync(outsideTheInbox(file), file),
  "gp_registrations/link_through_parent_folder.csv": (file) =>
    fs.symlinkSync(path.relative(path.dirname(file), outsideTheInbox(file)), file),
  "gp_registrations/link_to_nothing.csv": (file) => fs.symlinkSync("gone.csv", file),
  "gp_registrations/directory_not_file.csv": (file) => fs.mkdirSync(file)
}
