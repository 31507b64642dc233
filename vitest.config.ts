import { defineConfig } from 'vitest/config';

// Runs the unit tests only. The browser test in e2e/*.spec.ts runs under Playwright.
export default defineConfig({
  test: {
    include: ['frontend/src/**/*.test.ts', 'e2e/**/*.test.ts'],
    environment: 'node',
  },
});
