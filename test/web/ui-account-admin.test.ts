/**
 * Accounts, teams and administration in the web UI in Chromium: registering, keyboard entry (skip link), creating
 * and revoking an API token, managing a team's members, and the admin sync and audit pages; axe on every state.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAtlas } from '../support/atlas-process.ts';
import {
  apiClient,
  expectAccessible,
  expectAccessibleInBothSchemes,
  hasChromium,
  launchBrowser,
  openPage,
  PASSWORD,
  signIn,
  skillMd,
  startWebAtlas,
} from './web-support.ts';

const exec = promisify(execFile);

describe.skipIf(!hasChromium)('web UI: account, tokens, teams and admin', () => {
  let atlas: RunningAtlas & { home: string };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let ada: string;

  beforeAll(async () => {
    // No poller: only the admin's Sync now may bring in a commit made in git.
    atlas = await startWebAtlas({ ATLAS_POLL_SECONDS: '0' });
    const api = apiClient(atlas.url);
    ada = await api.register('ada', 'Ada Lovelace');
    await api.register('linus', 'Linus Pauling');
    await api.call('POST', '/api/v1/teams', ada, { slug: 'platform', name: 'Platform', description: 'Shared tools.' });
    await api.publish(ada, {
      namespace: 'platform',
      files: [{ path: 'SKILL.md', content: skillMd('csv-report', 'Turn a CSV file into a report.') }],
    });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: atlas.url });
    ({ page, problems } = await openPage(context));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await atlas?.stop();
  });

  it('starts with a skip link the keyboard reaches first, and registers an account', async () => {
    await page.goto(`${atlas.url}/account`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    expect(await page.evaluate('document.activeElement.getBoundingClientRect().top >= 0')).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');

    const form = page.getByRole('region', { name: 'Create an account' });
    await form.getByLabel('Email').fill('grace@example.com');
    await form.getByLabel('Username').fill('grace');
    await form.getByLabel('Password').fill('password');
    await form.getByRole('button', { name: 'Create account' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await expectAccessibleInBothSchemes(page, 'registration refused');
    await form.getByLabel('Password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect((await context.cookies(atlas.url)).some((cookie) => cookie.name === 'atlas_session')).toBe(false);
  });

  it('creates a token, shows its secret once with Copy, and revokes it', async () => {
    await signIn(page, atlas.url, 'ada');
    await page.getByLabel('Token name').fill('ci deploys');
    await page.getByLabel('Expires in').selectOption('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secretBlock = page.locator('.notice.success .code-block');
    await secretBlock.waitFor();
    const secret = ((await secretBlock.locator('pre').textContent()) ?? '').trim();
    expect(secret).toMatch(/^atlas_/);
    await page
      .getByTestId('announcer')
      .getByText(/Token ci deploys created/)
      .waitFor();
    await expectAccessibleInBothSchemes(page, 'token created');
    await secretBlock.getByRole('button', { name: 'Copy the token' }).click();
    await page.getByTestId('announcer').getByText('Copied the token to the clipboard.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);

    const me = await fetch(`${atlas.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    const row = page.getByRole('row', { name: /ci deploys/ });
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Full');
    const expires = (await row.getByRole('cell').nth(3).textContent()) ?? '';
    expect(new Date(expires).getTime() - Date.now()).toBeLessThan(31 * 86_400_000);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.locator('.notice.success').count()).toBe(0);
    await row.getByRole('button', { name: 'Revoke ci deploys' }).click();
    await row.getByRole('button', { name: 'Revoke ci deploys now' }).click();
    await row.getByText('Revoked').waitFor();
    await expectAccessible(page, 'token revoked');
    const after = await fetch(`${atlas.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);

    // A token that only reads the MCP registry: the registry answers it, the rest of the API refuses it.
    await page.getByLabel('Token name').fill('vscode registry');
    await page.getByLabel('Can').selectOption('registry:read');
    await page.getByRole('button', { name: 'Create token' }).click();
    await secretBlock.waitFor();
    const registrySecret = ((await secretBlock.locator('pre').textContent()) ?? '').trim();
    const registryRow = page.getByRole('row', { name: /vscode registry/ });
    await registryRow.getByText('registry:read').waitFor();
    const bearer = { authorization: `Bearer ${registrySecret}` };
    expect((await fetch(`${atlas.url}/v0.1/servers`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${atlas.url}/api/v1/me`, { headers: bearer })).status).toBe(403);
    await page.getByRole('button', { name: 'I have copied it' }).click();
  });

  it('lets a team owner add a member, change their role and remove them', async () => {
    await page.goto(`${atlas.url}/teams`);
    await page.getByRole('link', { name: 'Platform' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Platform' }).waitFor();
    await expectAccessibleInBothSchemes(page, 'team page');

    await page.getByLabel('Username to add').fill('linus');
    await page.getByLabel('Role', { exact: true }).selectOption('member');
    await page.getByRole('button', { name: 'Add member' }).click();
    const row = page.getByRole('row', { name: /@linus/ });
    await row.waitFor();
    await page.getByTestId('announcer').getByText('linus added as member.').waitFor();

    await row.getByLabel('Role of linus').selectOption('maintainer');
    await page.getByTestId('announcer').getByText('linus is now maintainer.').waitFor();
    const team = await apiClient(atlas.url).call('GET', '/api/v1/teams/platform', ada);
    expect(team.members.find((member: { username: string }) => member.username === 'linus').role).toBe('maintainer');
    await expectAccessible(page, 'team page with a new member');

    await page
      .getByRole('columnheader', { name: /Member/ })
      .getByRole('button')
      .click();
    expect(await page.getByRole('columnheader', { name: /Member/ }).getAttribute('aria-sort')).toBe('descending');

    await row.getByRole('button', { name: 'Remove linus' }).click();
    await row.waitFor({ state: 'detached' });
    const after = await apiClient(atlas.url).call('GET', '/api/v1/teams/platform', ada);
    expect(after.members.map((member: { username: string }) => member.username)).toEqual(['ada']);

    await page.getByLabel('Username to add').fill('nobody-here');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('alert').waitFor();
    await expectAccessible(page, 'team page, member refused');
  });

  it("lets the item's owner change its tags and visibility, deprecate, delete and restore it", async () => {
    await page.goto(`${atlas.url}/skill/platform/csv-report`);
    await page.getByRole('heading', { level: 1, name: /platform\/csv-report/ }).waitFor();
    await page.getByText('Manage this item').click();
    await expectAccessibleInBothSchemes(page, 'item page, manage open');

    await page.getByLabel('Tags, separated by commas').fill('csv, reports');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await page.getByRole('link', { name: 'reports' }).waitFor();
    await page.getByLabel('Visible to').selectOption('team');
    await page.getByRole('button', { name: 'Save visibility' }).click();
    await page.getByText('Team only', { exact: true }).waitFor();

    await page.getByLabel('Deprecation message (say what to use instead)').fill('Use skill/platform/csv-report-2.');
    await page.getByRole('button', { name: 'Deprecate' }).click();
    await page.locator('.notice.warning', { hasText: 'Use skill/platform/csv-report-2.' }).waitFor();
    await expectAccessible(page, 'deprecated item');
    const item = await apiClient(atlas.url).call('GET', '/api/v1/items/skill/platform/csv-report', ada);
    expect(item.item).toMatchObject({ tags: ['csv', 'reports'], visibility: 'team', status: 'deprecated' });

    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete it' }).click();
    await page.getByText('This item was deleted.').waitFor();
    await expectAccessible(page, 'deleted item');
    await page.getByRole('button', { name: 'Restore skill/platform/csv-report' }).click();
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
    expect(await page.getByText('This item was deleted.').count()).toBe(0);
  });

  it('shows an admin the sync status, verifies, and filters the audit log', async () => {
    await page.goto(`${atlas.url}/admin`);
    await page.getByRole('heading', { level: 2, name: 'Sync' }).waitFor();
    await page.getByText(/Up to date|Behind by/).waitFor();
    await expectAccessibleInBothSchemes(page, 'admin page');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.getByRole('heading', { name: /Verify report: 0 differences/ }).waitFor();
    await page
      .getByTestId('announcer')
      .getByText(/Verified: 0 differences/)
      .waitFor();

    await page.getByLabel('Action').fill('team.');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=team\./);
    const actions = page.getByRole('region', { name: 'Audit entries' }).locator('tbody tr td:nth-child(3)');
    await expect.poll(() => actions.count()).toBeGreaterThan(0);
    for (const action of await actions.allTextContents()) expect(action).toMatch(/^team\./);
    await expectAccessible(page, 'audit log filtered');
  });

  it('queues a sync of a commit made in git with Sync now, and the worker brings it into the catalog', async () => {
    // Someone pushes a skill to the content repository directly, as a git user would.
    const clone = mkdtempSync(join(tmpdir(), 'atlas-web-clone-'));
    try {
      const git = (...args: string[]) =>
        exec('git', ['-c', 'user.name=Grace', '-c', 'user.email=grace@example.com', ...args], { cwd: clone });
      await exec('git', ['clone', '-q', '--branch', 'main', join(atlas.home, '.atlas', 'content.git'), clone]);
      mkdirSync(join(clone, 'skills/platform/git-notes'), { recursive: true });
      writeFileSync(join(clone, 'skills/platform/git-notes/SKILL.md'), skillMd('git-notes', 'Notes pushed with git.'));
      await git('add', '.');
      await git('commit', '-q', '-m', 'Add git-notes');
      await git('push', '-q', 'origin', 'main');
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
    const api = apiClient(atlas.url);
    const head = (await api.call('GET', '/api/v1/sync/status', ada)).head as string;
    expect((await api.call('GET', '/api/v1/sync/status', ada)).behind).toBe(true);

    await page.goto(`${atlas.url}/admin`);
    await page.getByText(/Behind by/).waitFor();
    await page.getByRole('button', { name: 'Sync now', exact: true }).click();
    const queued = `Sync queued for ${head.slice(0, 7)}.`;
    await page.getByTestId('announcer').getByText(queued).waitFor();
    await page.locator('.notice', { hasText: queued }).waitFor();
    // Sync now is not a verify: no drift report appears.
    expect(await page.getByRole('heading', { name: /Verify report/ }).count()).toBe(0);
    await expectAccessible(page, 'admin page after Sync now');

    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh', exact: true }).click();
          return page.locator('dl.facts').textContent();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toMatch(/Up to date.*0 queued, 0 running, 0 failed/);
    const item = await api.call('GET', '/api/v1/items/skill/platform/git-notes', ada);
    expect(item.item.commitSha).toBe(head);
    const audit = await api.call('GET', '/api/v1/audit?action=sync.queue', ada);
    expect(audit.items.map((entry: { target: string }) => entry.target)).toEqual([head]);

    await page.getByRole('button', { name: 'Sync now', exact: true }).click();
    await page
      .getByTestId('announcer')
      .getByText(`Already up to date at ${head.slice(0, 7)}: nothing to sync.`)
      .waitFor();
  });

  it('tells a user who is not an admin that the admin pages are not theirs', async () => {
    await signIn(page, atlas.url, 'linus');
    await page.goto(`${atlas.url}/admin`);
    await page.getByText('These pages are for site administrators.').waitFor();
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await expectAccessible(page, 'admin page for a non-admin');
  });

  it('ran without CSP violations or page errors', () => {
    expect(problems).toEqual([]);
  });
});
