/** Loading the outcomes framework file, with its fingerprint for lineage. */
import { OutcomesFramework } from "../../schemas/outcomesFramework.js"
import { projectFile } from "../services/projectFiles.js"
import { readRulesFile } from "./rulesFile.js"

export const DEFAULT_OUTCOMES_FILE = projectFile("rules", "outcomes-v1.json")

export const loadOutcomes = (file: string = DEFAULT_OUTCOMES_FILE) =>
  readRulesFile(file, OutcomesFramework, "outcomes framework file", "outcomesFile in the configuration")
