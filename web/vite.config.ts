import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run dev:web` serves the client with hot reload and sends /api and /tiles to the server
// started by `npm start` (YZT_API, default http://127.0.0.1:8080).
const api = process.env.YZT_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
    // The review page (web/src/review/) is its own entry next to the map client.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        review: fileURLToPath(new URL('src/review/index.html', import.meta.url)),
        battle: fileURLToPath(new URL('src/battle/index.html', import.meta.url)),
        admin: fileURLToPath(new URL('src/admin/index.html', import.meta.url)),
      },
    },
  },
  server: {
    proxy: { '/api': api, '/tiles': api },
  },
});
