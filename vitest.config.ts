import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

// isolated-vm crashes in worker threads (its issue 481): every test file runs in a forked
// process, which inherits NODE_OPTIONS=--no-node-snapshot from the npm script.
// Timeouts are generous on purpose: they catch a hang, not a slow machine. No test asserts how
// long anything took; the bench does that.
//
// Two tiers: `npm test` runs the projects sandbox and browser; `npm run test:full` (what CI
// runs) runs them, then full: the heavier suites.

export default defineConfig({
  test: {
    pool: 'forks',
    // Two files at once even on 2 cores (Vitest's default there is one): many tests wait on a
    // limit, a child process or the browser, and another file can use that time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'sandbox', include: ['sandbox-server/**/*.test.ts', 'tests/*.test.ts'] } },
      // The site is built once per run, beside the other files; the browser tests wait for it.
      { extends: true, test: { name: 'browser', include: ['tests/e2e/**/*.test.ts'], globalSetup: ['tests/e2e/build-site.ts'] } },
      { extends: true, test: { name: 'full', include: ['tests/full/**/*.test.ts'] } },
    ],
  },
})
