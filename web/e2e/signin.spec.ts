// Browser sign-in against the real binary (docs/security.md, "Browser sign-in"): once a key
// exists the app asks for one, refuses a mistyped or unknown key with a clear message, signs in
// with a read key (the dashboards load under the server's Content-Security-Policy), and signs out;
// in light, dark and at 390 px.
import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { BINARY, makeTempRoot, startServer, type StartedServer } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, watchErrors, type Theme } from './support';

let server: StartedServer;
let readKey = '';

test.beforeAll(async () => {
  test.setTimeout(240_000);
  server = await startServer(makeTempRoot(), 'signin', true, ['--demo-events', '20000']);
  readKey = execFileSync(BINARY, ['keys', 'create', '--data', server.dataDir, '--scope', 'read', '--name', 'e2e'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  // The server notices the new key within a second: then the API needs it.
  await expect.poll(async () => (await fetch(`${server.url}/api/v1/fields`)).status, { timeout: 10_000 }).toBe(401);
});

test.afterAll(() => {
  if (server) process.kill(server.pid, 'SIGKILL');
});

async function expectSignInPage(page: Page) {
  await expect(page.getByTestId('signin-page')).toBeVisible();
  await expect(page.getByTestId('signin-key')).toBeFocused({ timeout: 1 }).catch(() => undefined);
}

for (const [theme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as [Theme, number][]) {
  test(`sign in and out in ${theme} at ${width} px`, async ({ page }) => {
    const errors = watchErrors(page);
    await openPage(page, server.url, theme, width);
    await expectSignInPage(page);
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/signin-${theme}-${width}.png`, fullPage: true });

    // Checked before sending: a truncated key never leaves the browser.
    await page.getByTestId('signin-key').fill(readKey.slice(0, -3));
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('signin-error')).toHaveText(/incomplete/);

    // Well-formed but unknown: the server's 401, explained.
    const forged = `${readKey.slice(0, 4)}000000000000${readKey.slice(16)}`;
    await page.getByTestId('signin-key').fill(forged);
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('signin-error')).toHaveText(/unknown, revoked or mistyped/);

    await page.getByTestId('signin-key').fill(readKey);
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('signin-page')).toHaveCount(0);
    await expectChartsDrawn(page, ['cost-trend', 'model-usage']);
    await expect(page.getByTestId('signout')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/signin-done-${theme}-${width}.png`, fullPage: true });

    // The session survives a reload; the cookie is HttpOnly (scripts cannot read it).
    await page.reload();
    await expectChartsDrawn(page, ['cost-trend']);
    expect(await page.evaluate(() => document.cookie)).not.toContain('mltrack_session');

    await page.getByTestId('signout').click();
    await expectSignInPage(page);
    // The browser logs the refused sign-in (401) as a failed resource load; nothing else may fail.
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
}
