import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// During development the Vite server proxies API calls to the Go server at its default address.
const apiServer = 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('./frontend', import.meta.url)),
  plugins: [
    svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./frontend/dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': apiServer,
      '/healthz': apiServer,
    },
  },
});
