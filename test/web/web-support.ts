/**
 * What the browser suites share: a listening Atlas on a fresh data folder, accounts and items seeded through the
 * API, Debian's Chromium driven by playwright-core, and axe-core run inside the page.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type RunningAtlas, startAtlas } from '../support/atlas-process.ts';

export const CHROMIUM = process.env.ATLAS_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const PASSWORD = 'a long enough passphrase';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Atlas as the README starts it, on a data folder of its own; `stop` removes the folder. */
export async function startWebAtlas(env: Record<string, string> = {}): Promise<RunningAtlas & { home: string }> {
  const home = mkdtempSync(join(tmpdir(), 'atlas-web-'));
  const atlas = await startAtlas({ ATLAS_HOME: join(home, '.atlas'), ...env }, 120_000);
  return {
    ...atlas,
    home,
    async stop(signal) {
      const code = await atlas.stop(signal);
      rmSync(home, { recursive: true, force: true });
      return code;
    },
  };
}

/** JSON calls to the API with a bearer token, for seeding. */
export function apiClient(url: string) {
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    // biome-ignore lint/suspicious/noExplicitAny: seeding reads answers freely.
    return (text ? JSON.parse(text) : undefined) as any;
  };
  return {
    call,
    async register(username: string, displayName?: string): Promise<string> {
      const answer = await call('POST', '/api/v1/auth/register', undefined, {
        email: `${username}@example.com`,
        username,
        password: PASSWORD,
        ...(displayName ? { displayName } : {}),
      });
      return answer.token;
    },
    publish: (token: string, body: unknown) => call('POST', '/api/v1/items', token, body),
  };
}

export const skillMd = (name: string, description: string, body = `# ${name}\n\nSteps.\n`, version = '1.0.0') =>
  `---\nname: ${name}\ndescription: ${JSON.stringify(description)}\nmetadata:\n  version: "${version}"\n---\n${body}`;

export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A page whose Content Security Policy violations and uncaught errors fail the suite. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  // Shorter than the test's own timeout, so a wait that fails names what it waited for.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(text);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, problems };
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page (WCAG 2.0, 2.1 and 2.2 A and AA, and best practices) and answers its violations. The
 * source is evaluated through the DevTools protocol, as the page's CSP refuses inline scripts, as it should.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate('typeof window.axe');
  if (loaded === 'undefined') await page.evaluate(AXE_SOURCE);
  return (await page.evaluate(`axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    resultTypes: ['violations'],
  }).then((result) => result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
  })))`)) as AxeViolation[];
}

/** Asserts axe finds nothing, naming each violation and where when it does. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const violations = await axeViolations(page);
  const report = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `   ${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('\n')}`,
  );
  expect(report, `axe on ${state}`).toEqual([]);
}

/** Signs in through the account page's form. */
export async function signIn(page: Page, url: string, login: string): Promise<void> {
  await page.goto(`${url}/account`);
  await page.getByRole('heading', { level: 1, name: /Sign in|Your account/ }).waitFor();
  if ((await page.getByRole('button', { name: 'Sign out', exact: true }).count()) > 0) {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  }
  const form = page.getByRole('region', { name: 'Sign in' });
  await form.getByLabel('Email or username').fill(login);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
}

/** Light and dark: each state a suite checks with axe is checked in both colour schemes. */
export async function expectAccessibleInBothSchemes(page: Page, state: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // Colours change with a short transition (none with reduced motion): measure the settled ones.
    await page.waitForTimeout(200);
    await expectAccessible(page, `${state} (${colorScheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
