#!/usr/bin/env node
// The `wsd` command; the program is compiled to dist/ by `npm install` (prepare).
import { main } from "../dist/pipelines/cli.js"

process.exitCode = await main(process.argv.slice(2))
