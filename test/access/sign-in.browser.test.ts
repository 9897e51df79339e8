import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { loadSmallFixture } from '../review/small-fixture.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { ARTIFACTS, HAS_CHROMIUM, launchBrowser, openPage } from '../web/browser.ts';

// The built client on a server without anonymous access: the pages ask for a sign-in, the
// admin page creates a user, and the new user's session is scoped as the admin set it.
describe.skipIf(!HAS_CHROMIUM)('signing in and managing users in the browser', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let closePage: () => Promise<void>;
  let admin: TestUser;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['--import', 'tsx', 'web/build-if-stale.ts'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('web client build failed');
    db = await openTestDatabase('access_browser');
    await loadSmallFixture(db.pool);
    server = await startTestServer(db, { YZT_ANONYMOUS: 'off' });
    admin = await testUser(db.pool, 'admin', null, '管理员乙');
    browser = await launchBrowser();
    ({ page, errors, close: closePage } = await openPage(browser));
  }, 300_000);
  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  it('asks for a sign-in, refuses a wrong password, then shows the users', async () => {
    await page.goto(`${server.url}/admin`);
    await page.waitForSelector('.yzt-signin-modal');
    await page.fill('.yzt-signin-modal input[name=username]', admin.username);
    await page.fill('.yzt-signin-modal input[name=password]', 'not-the-password');
    await page.click('.yzt-signin-modal button[type=submit]');
    await expect.poll(() => page.textContent('.yzt-signin-error'), { timeout: 60_000 }).toBe('用户名或密码错误');
    await page.fill('.yzt-signin-modal input[name=password]', admin.password);
    await page.click('.yzt-signin-modal button[type=submit]');
    // The signed-out screen was already marked ready (it shows nobody) before the sign-in
    // reloads the page, so readiness alone can match the old page: wait for the list itself.
    await page.waitForSelector(`#users tr[data-user="${admin.username}"]`, { timeout: 60_000 });
    expect(await page.textContent('#account-name')).toContain('管理员乙');
    expect(await page.locator(`#users tr[data-user="${admin.username}"]`).count()).toBe(1);
  });

  it('creates a district reviewer through the form (with the CSRF token) and the account is stored', async () => {
    await page.fill('#create input[name=username]', '南山审核员');
    await page.fill('#create input[name=password]', 'nanshan-review-1');
    await page.selectOption('#create select[name=role]', 'reviewer');
    await page.fill('#create input[name=region]', '440305');
    await page.click('#create button[type=submit]');
    await page.waitForSelector('#users tr[data-user="南山审核员"]');
    await page.screenshot({ path: `${ARTIFACTS}/admin-users.png` });
    const { rows } = await db.pool.query(`SELECT role, region, created_by FROM app_user WHERE username = '南山审核员'`);
    expect(rows).toEqual([{ role: 'reviewer', region: '440305', created_by: admin.username }]);
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
  });

  it('the map asks for a sign-in too, and then shows only the signed-in user\'s region', async () => {
    const baoan = await testUser(db.pool, 'viewer', '440306', '宝安浏览');
    const map = await openPage(browser);
    try {
      await map.page.goto(`${server.url}/#`);
      await map.page.waitForSelector('.yzt-signin-modal');
      await map.page.fill('.yzt-signin-modal input[name=username]', baoan.username);
      await map.page.fill('.yzt-signin-modal input[name=password]', baoan.password);
      await map.page.click('.yzt-signin-modal button[type=submit]');
      await map.page.waitForSelector('#account-name');
      expect(await map.page.textContent('#account-name')).toContain('440306');
      await map.page.waitForFunction(() => (window as any).__yzt?.whenIdle, null, { timeout: 60_000 });
      await map.page.evaluate(() => (window as any).__yzt.whenIdle(90_000));
      const shown = await map.page.evaluate(() => (window as any).__yzt.stats()?.count as number);
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM source WHERE status <> 'deleted' AND division_code LIKE '440306%'`);
      const { rows: all } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM source WHERE status <> 'deleted'`);
      expect(rows[0]!.n).toBeLessThan(all[0]!.n);
      expect(shown).toBe(rows[0]!.n);
      await map.page.screenshot({ path: `${ARTIFACTS}/map-signed-in-district.png` });
      expect(map.errors.filter((e) => !/401|Unauthorized/.test(e))).toEqual([]);
    } finally {
      await map.close();
    }
  }, 180_000);

  it('signs out, and the session cookie no longer opens anything', async () => {
    await page.click('#sign-out');
    // The page reloads, and with no anonymous access it asks for a sign-in again.
    await page.waitForSelector('.yzt-signin-modal');
    const status = await page.evaluate(async () => (await fetch('/api/users')).status);
    expect(status).toBe(401);
  });
});
