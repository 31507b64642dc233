import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Runs the unit tests only. The browser tests in e2e/*.spec.ts run under Playwright.
// The Svelte plugin compiles the *.svelte.ts modules, whose runes ($state) plain TypeScript lacks.
export default defineConfig({
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) })],
  test: {
    include: ['frontend/src/**/*.test.ts', 'e2e/**/*.test.ts'],
    environment: 'node',
  },
});
