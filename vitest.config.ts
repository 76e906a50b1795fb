import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A throwaway PostgreSQL server for the tests that run on both warehouses.
    globalSetup: ["test/postgresServer.ts"],
    // End-to-end tests spawn the built CLI and build SQLite warehouses.
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
