#!/usr/bin/env node
// The `wsd` command; the program is compiled to dist/ by `npm install` (prepare).
// Effect's schema JIT compiler must be enabled before any schema is built: it
// decodes extract rows about twice as fast as the interpreter.
import "effect/schema/SchemaJITCompiler/enable"

const { main } = await import("../dist/pipelines/cli/wsd.js")
process.exitCode = await main(process.argv.slice(2))
