import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Test tiers (README "Test tiers"). A test file's name and place decide its tier, so a new test
// needs no edit here:
//   browser  *.browser.test.ts anywhere (a real Chromium against a real server);
//   faults   test/server/faults-*.test.ts (kill, restart and disconnect the database);
//   db       every other test under test/ (suites that cross rooms), and *.db.test.ts beside
//            the code (one room, but it needs PostGIS);
//   unit     every other *.test.ts beside the code: pure, no database, run in parallel.
// A unit test that opens the database fails at once (test/support/test-database.ts says to
// rename it *.db.test.ts), since the unit tier starts no engine.
const browser = ['**/*.browser.test.ts'];
const faults = ['test/server/faults-*.test.ts'];
const dbBesideCode = ['{server,tiles,geodata,web}/**/*.db.test.ts'];
const excluded = ['**/node_modules/**', 'web/dist/**'];

// The tiers that need the database share one embedded engine (or DATABASE_URL): the global
// setup starts it once for all of them (test/support/global-setup.ts). They run one after the
// other (sequence.groupOrder) and their files take turns, because the embedded engine is one
// PostgreSQL session that runs one transaction at a time, and the fault tests stop the server.
const withDatabase = {
  globalSetup: ['test/support/global-setup.ts'],
  fileParallelism: false,
  testTimeout: 60_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{server,tiles,geodata,web}/**/*.test.ts'],
          exclude: [...excluded, ...browser, ...dbBesideCode],
          sequence: { groupOrder: 0 },
          // At least two workers, so the files run side by side even on a two-core machine
          // (vitest's default there is one); the demo generator tests take most of the time.
          maxWorkers: Math.max(2, availableParallelism() - 1),
          // As before the tiers: the demo generator tests take 20 s and more on a loaded two-core machine.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'db',
          include: ['test/**/*.test.ts', ...dbBesideCode],
          exclude: [...excluded, ...browser, ...faults],
          sequence: { groupOrder: 1 },
          ...withDatabase,
        },
      },
      {
        test: {
          name: 'browser',
          include: browser,
          exclude: excluded,
          sequence: { groupOrder: 2 },
          ...withDatabase,
          // A browser test is a user's whole task (draw, wait for the answer, three downloads), each
          // step under Playwright's own 30 s limit or waitIdle's 90 s; with software WebGL on a loaded
          // two-core CI machine 60 s for the whole task cut one off mid-step and hid which step it was.
          testTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'faults',
          include: faults,
          exclude: [...excluded, ...browser],
          sequence: { groupOrder: 3 },
          ...withDatabase,
        },
      },
    ],
  },
});
