/**
 * Bad-input cases that are not committed as files: too large to keep in the
 * repository, so the corpus test writes them into a scratch copy of the
 * corpus. Each is named, and has its expected outcome in `expected.json`,
 * like every committed case.
 */
import * as fs from "node:fs"

const OPT_OUT_HEADER = "nhs_number,opt_out_type,recorded_date\n"

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
    fs.writeFileSync(file, `nhs_number,opt_out_type,${"notes".repeat(300_000)}\n9434765919,ndoo\n`)
}
