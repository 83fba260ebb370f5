import { defineConfig } from 'vitest/config'

// chDB binds one data directory per process, so every test file runs in its own
// forked process with its own temporary data directory (see test/helpers/db.ts).
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // Budgets that measure nothing: they only end a test that hangs. Generous, so that a busy
    // machine (CI neighbours on both cores) never fails a test that would pass; speed is measured
    // by the benchmarks, not here.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
})
