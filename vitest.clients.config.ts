import { defineConfig } from 'vitest/config';

// `npm run test:clients`: the real programs that consume what Atlas produces (the packed and installed
// `atlas` command today), run against a listening Atlas or the files it wrote.
export default defineConfig({
  test: {
    include: ['test/clients/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    teardownTimeout: 10_000,
  },
});
