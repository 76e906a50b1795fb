/**
 * The failures a run can end with, each carrying what a person needs to act.
 *
 * The exit status users script against (`interface.md`) follows from the tag:
 * a data failure exits 1, a configuration or usage problem 2, anything else 3.
 * Messages name files, rows, fields and resources, never a resident's value.
 */
import { Schema } from "effect"

/** The data failed the run: a required source failed, quarantine above threshold. */
export class DataFailure extends Schema.TaggedError<DataFailure>()("DataFailure", {
  message: Schema.String,
  nextAction: Schema.String
}) {}

/** Configuration or usage: a missing key, a bad option, an unreadable inbox. */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  message: Schema.String,
  nextAction: Schema.String
}) {}

/** A source could not be read as a whole: empty, unreadable, a required column missing. */
export class SourceFileError extends Schema.TaggedError<SourceFileError>()("SourceFileError", {
  source: Schema.String,
  file: Schema.String,
  message: Schema.String,
  /** What to do when it is not the usual "ask the partner to resend the file". */
  nextAction: Schema.optionalKey(Schema.String)
}) {}

/** The warehouse or the publication area could not be written. */
export class PublicationError extends Schema.TaggedError<PublicationError>()("PublicationError", {
  message: Schema.String,
  nextAction: Schema.String,
  /** What the disk said, when it refused a write: the message then says everything needed. */
  diskFault: Schema.optionalKey(Schema.Literals(["full", "read_only", "permission"])),
  cause: Schema.Defect()
}) {}

/**
 * A model built rows that break a check declared beside it
 * (`sql/models/<model>.checks.json`): the models, not the partners' data,
 * are at fault, so nothing is published. Counts only, never a value.
 */
export class ModelCheckFailure extends Schema.TaggedError<ModelCheckFailure>()("ModelCheckFailure", {
  model: Schema.String,
  check: Schema.String,
  rows: Schema.Int,
  message: Schema.String,
  nextAction: Schema.String
}) {}

export type RunError = DataFailure | UsageError | PublicationError | ModelCheckFailure

export const RUN_ERROR_TAGS: ReadonlyArray<RunError["_tag"]> = [
  "DataFailure",
  "UsageError",
  "PublicationError",
  "ModelCheckFailure"
]

export const exitCodeOf = (error: RunError): 1 | 2 | 3 => {
  switch (error._tag) {
    case "DataFailure":
      return 1
    case "UsageError":
      return 2
    case "PublicationError":
    case "ModelCheckFailure":
      return 3
  }
}
