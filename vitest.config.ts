import { defineConfig } from 'vitest/config'

// isolated-vm crashes in worker threads (its issue 481): every test file runs in a forked
// process, which inherits NODE_OPTIONS=--no-node-snapshot from the npm script.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['sandbox-server/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
})
