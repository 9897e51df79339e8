import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{server,tiles,geodata,test,web}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web/dist/**'],
    // One embedded engine serves the whole run (started once, shared through its socket);
    // it runs one transaction at a time, and it is one PostgreSQL session, so test files take
    // turns rather than race each other's search_path.
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
