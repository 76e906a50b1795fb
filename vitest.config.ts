import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One test file per core: a file mostly runs one process at a time (its own, or the CLI it
    // spawned), so vitest's default of one worker fewer than the cores left a core idle on two.
    maxWorkers: availableParallelism(),
    // A throwaway PostgreSQL server for the tests that run on both warehouses, and a Citus
    // cluster (a coordinator and two workers) for the distributed warehouse's.
    globalSetup: ["test/postgresServer.ts", "test/citusServer.ts"],
    // End-to-end tests spawn the built CLI and build SQLite warehouses.
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
