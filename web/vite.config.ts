import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run dev:web` serves the client with hot reload and sends /api and /tiles to the server
// started by `npm start` (YZT_API, default http://127.0.0.1:8080).
const api = process.env.YZT_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // One page, served by the server at every screen's clean URL (/map, /review, …): assets are
  // addressed from the site root so that any of those paths finds them.
  base: '/',
  appType: 'spa',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
  server: {
    proxy: { '/api': api, '/tiles': api },
  },
});
