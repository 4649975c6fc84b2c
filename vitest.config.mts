import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // Builds dist/ once, so CLI tests drive the real bundle.
    globalSetup: ['test/helpers/buildOnce.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests run real compilers and sanitizers; two cores are all this machine has.
    maxWorkers: 2,
  },
});
