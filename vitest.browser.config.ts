import { defineConfig } from 'vitest/config';

// Browser tests drive Debian's Chromium through playwright-core; they run apart
// from `npm test` because they need /usr/bin/chromium (see .ci/run).
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
