/**
 * The web UI in Chromium against a listening Atlas: signing in, searching and paging, an item page with its tabs,
 * file tree, versions and diff, and copying an install snippet; axe on every state reached, light and dark.
 */
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
  PNG_1PX,
  signIn,
  skillMd,
  startWebAtlas,
} from './web-support.ts';

const HOSTILE = `# PDF tools

Extract tables.

![Icon](assets/icon.png)

<img src=x onerror="document.title='pwned'">

[run me](javascript:document.title='pwned')

| Step | Time |
| :--- | ---: |
| read | 1 s |
`;

describe.skipIf(!hasChromium)('web UI: browse, item page and install', () => {
  let atlas: RunningAtlas;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let ada: string;
  /** The server's install count, as the API reports it to a reader. */
  const installs = async () =>
    (await apiClient(atlas.url).call('GET', '/api/v1/items/mcp/platform/weather', ada)).item.usageCount as number;

  beforeAll(async () => {
    atlas = await startWebAtlas();
    const api = apiClient(atlas.url);
    ada = await api.register('ada', 'Ada Lovelace');
    const grace = await api.register('grace', 'Grace Hopper');
    await api.call('POST', '/api/v1/teams', ada, { slug: 'platform', name: 'Platform' });
    await api.call('PUT', '/api/v1/teams/platform/members/grace', ada, { role: 'member' });
    for (let i = 1; i <= 23; i++) {
      const name = `report-${String(i).padStart(2, '0')}`;
      await api.publish(grace, {
        namespace: 'platform',
        tags: i % 2 ? ['reports'] : ['csv'],
        files: [{ path: 'SKILL.md', content: skillMd(name, `Monthly report number ${i} from CSV files.`) }],
      });
    }
    await api.publish(ada, {
      namespace: 'platform',
      tags: ['pdf'],
      files: [
        { path: 'SKILL.md', content: skillMd('pdf-tools', 'Extract text and tables from PDF files.', HOSTILE) },
        { path: 'scripts/extract.sh', content: '#!/bin/sh\npdftotext "$1" -\n', executable: true },
        { path: 'assets/icon.png', content: PNG_1PX.toString('base64'), encoding: 'base64' },
      ],
    });
    const first = await api.call('GET', '/api/v1/items/skill/platform/pdf-tools', ada);
    const update = await fetch(`${atlas.url}/api/v1/items/skill/platform/pdf-tools`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${ada}`,
        'content-type': 'application/json',
        'if-match': `"${first.item.treeSha}"`,
      },
      body: JSON.stringify({
        files: [
          {
            path: 'SKILL.md',
            content: skillMd('pdf-tools', 'Extract text and tables from PDF files.', HOSTILE, '1.1.0'),
          },
          { path: 'scripts/extract.sh', content: '#!/bin/sh\nocrmypdf "$1" - | pdftotext - -\n', executable: true },
          { path: 'assets/icon.png', content: PNG_1PX.toString('base64'), encoding: 'base64' },
        ],
        message: 'Read scanned pages',
      }),
    });
    expect(update.status).toBe(200);
    await api.publish(ada, {
      namespace: 'platform',
      files: [
        {
          path: 'server.json',
          content: JSON.stringify({
            name: 'io.github.acme/weather',
            description: 'Forecasts for any place.',
            version: '2.1.0',
            packages: [
              {
                registryType: 'npm',
                identifier: '@acme/weather-mcp',
                version: '2.1.0',
                transport: { type: 'stdio' },
                environmentVariables: [
                  { name: 'WEATHER_API_KEY', description: 'API key', isRequired: true, isSecret: true },
                  { name: 'WEATHER_UNITS', description: 'metric or imperial', isRequired: true },
                ],
              },
            ],
          }),
        },
      ],
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

  it('asks a visitor to sign in, and signs in with an HttpOnly session cookie', async () => {
    await page.goto(atlas.url);
    await page.getByText('The catalog is for signed-in people').waitFor();
    await expectAccessibleInBothSchemes(page, 'search, signed out');
    await page.goto(`${atlas.url}/account`);
    // The account page is its own chunk: wait for it, not only for the shell.
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expectAccessibleInBothSchemes(page, 'sign-in page');
    await signIn(page, atlas.url, 'grace');
    const cookies = await context.cookies(atlas.url);
    const session = cookies.find((cookie) => cookie.name === 'atlas_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate('document.cookie')).not.toContain('atlas_session');
    await expectAccessibleInBothSchemes(page, 'account page, signed in');
  });

  it('focuses the search box with /, searches, sorts and pages with the state in the URL', async () => {
    await page.goto(atlas.url);
    await page.getByRole('link', { name: 'platform/pdf-tools' }).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement.id')).toBe('search-q');
    await expectAccessibleInBothSchemes(page, 'search, first page');

    const results = page.locator('.result');
    await expect.poll(() => results.count()).toBe(20);
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/cursor=/);
    await page.getByRole('link', { name: 'First page' }).waitFor();
    await expect.poll(() => results.count()).toBe(5);
    await expectAccessible(page, 'search, second page');

    await page.getByLabel('Search skills, MCP servers and tools').fill('monthly report');
    await page.getByLabel('Sort by').selectOption('name');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(
      (url) => url.searchParams.get('q') === 'monthly report' && url.searchParams.get('sort') === 'name',
    );
    expect(new URL(page.url()).searchParams.get('cursor')).toBeNull();
    await page.getByRole('heading', { level: 1, name: /Results for/ }).waitFor();
    await expect.poll(() => results.first().locator('h3').textContent()).toBe('platform/report-01');

    await page.goto(`${atlas.url}/?q=nothing-matches-this&tag=pdf`);
    await page.getByText('Nothing found').waitFor();
    await expectAccessibleInBothSchemes(page, 'search, empty with filters');
    await page.getByRole('link', { name: 'Clear the filters' }).click();
    await page.waitForURL(
      (url) => !url.searchParams.has('tag') && url.searchParams.get('q') === 'nothing-matches-this',
    );
  });

  it('shows facet counts as fieldsets that filter, and no facets when the answer has none', async () => {
    await page.goto(atlas.url);
    const facets = page.getByRole('complementary', { name: 'Filters' });
    const tags = facets.getByRole('group', { name: 'Tag' });
    await tags.waitFor();
    expect(await tags.getByRole('link', { name: 'reports 12 results' }).count()).toBe(1);
    expect(
      await facets
        .getByRole('group', { name: 'Kind' })
        .getByRole('link', { name: /^MCP server 1 result$/ })
        .count(),
    ).toBe(1);
    await expectAccessibleInBothSchemes(page, 'search with facets');
    await tags.getByRole('link', { name: /^csv/ }).click();
    await page.waitForURL((url) => url.searchParams.get('tag') === 'csv');
    await expect.poll(() => page.locator('.result').count()).toBe(11);
    expect(await tags.getByRole('link', { name: /^csv/ }).getAttribute('aria-current')).toBe('true');
    await page.getByRole('link', { name: /Tag: csv/ }).waitFor();
    await expectAccessible(page, 'search filtered by a facet');

    // An answer without facets (a server that does not count them) shows no facet panel at all.
    await page.route(/\/api\/v1\/items\?/, async (route) => {
      // A request the page itself abandoned (a newer search replaced it) may be gone before it is answered.
      try {
        const response = await route.fetch();
        const { facets: _facets, ...rest } = await response.json();
        await route.fulfill({ response, json: rest });
      } catch {}
    });
    try {
      await page.goto(`${atlas.url}/?q=report`);
      await page.locator('.result').first().waitFor();
      expect(await page.getByRole('complementary', { name: 'Filters' }).count()).toBe(0);
      expect(await page.locator('fieldset.facet').count()).toBe(0);
    } finally {
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    }
  });

  it('works at 375 px wide', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    try {
      await page.goto(`${atlas.url}/?q=pdf`);
      await page.getByRole('link', { name: 'platform/pdf-tools' }).waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await expectAccessibleInBothSchemes(page, 'search at 375 px');
      await page.goto(`${atlas.url}/skill/platform/pdf-tools`);
      await page.locator('.markdown').waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await expectAccessibleInBothSchemes(page, 'item page at 375 px');
      for (const [path, heading] of [
        ['/skill/platform/pdf-tools/versions', /platform\/pdf-tools/],
        ['/mcp/platform/weather/install', /platform\/weather/],
        ['/account', /Your account/],
        ['/publish', /Publish/],
        ['/teams/platform', /Platform/],
      ] as const) {
        await page.goto(`${atlas.url}${path}`);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        await page.waitForLoadState('networkidle');
        expect(await page.evaluate('document.documentElement.scrollWidth'), `${path} fits 375 px`).toBeLessThanOrEqual(
          375,
        );
      }
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('opens an item with its rendered SKILL.md, inert to the script in it', async () => {
    await page.goto(`${atlas.url}/?q=pdf`);
    await page.getByRole('link', { name: 'platform/pdf-tools' }).click();
    await page.waitForURL(/\/skill\/platform\/pdf-tools$/);
    await page.locator('.markdown h2', { hasText: 'PDF tools' }).waitFor();
    expect(await page.evaluate('document.activeElement.tagName')).toBe('H1');
    expect(await page.title()).toBe('platform/pdf-tools · Atlas');
    const markdown = page.locator('.markdown');
    expect(await markdown.locator('img').getAttribute('src')).toMatch(
      /^\/api\/v1\/items\/skill\/platform\/pdf-tools\/files\/assets\/icon\.png\?at=[0-9a-f]{40}$/,
    );
    await expect.poll(() => page.evaluate(`document.querySelector('.markdown img').naturalWidth`)).toBe(1);
    // The HTML in the Markdown is shown as text, never made into elements.
    expect(await markdown.getByText(`<img src=x onerror="document.title='pwned'">`).count()).toBe(1);
    expect(await markdown.locator('[onerror], script, [href^="javascript"]').count()).toBe(0);
    expect(await markdown.locator('a', { hasText: 'run me' }).getAttribute('href')).toBeNull();
    expect(await page.title()).not.toBe('pwned');
    await expectAccessibleInBothSchemes(page, 'item overview');
  });

  it('moves between tabs with the keyboard (WAI-ARIA tabs) and walks the file tree', async () => {
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(`document.activeElement.textContent`)).toBe('Files');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/skill\/platform\/pdf-tools\/files$/);
    expect(await page.getByRole('tab', { name: 'Files' }).getAttribute('aria-selected')).toBe('true');

    const tree = page.getByRole('tree', { name: 'Files' });
    await tree.getByRole('treeitem').first().waitFor();
    await expect.poll(() => tree.getByText(/^, \d+ B$/).count()).toBe(3);
    await tree.getByRole('treeitem').first().focus();
    expect(await page.evaluate(`document.activeElement.getAttribute('aria-level')`)).toBe('1');
    await page.keyboard.press('ArrowLeft'); // closes assets/
    expect(await tree.getByRole('treeitem', { name: /^assets/ }).getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowRight'); // opens it again
    await page.keyboard.press('ArrowRight'); // into its first child
    await expect.poll(() => page.evaluate(`document.activeElement.getAttribute('aria-level')`)).toBe('2');
    await page.keyboard.press('End');
    expect(await page.evaluate(`document.activeElement.textContent`)).toMatch(/^·SKILL\.md/);
    await page.keyboard.press('ArrowUp'); // extract.sh
    await page.keyboard.press('Enter');
    await page.waitForURL(/path=scripts%2Fextract\.sh/);
    await page.locator('.file-text', { hasText: 'ocrmypdf' }).waitFor();
    expect(await tree.getByRole('treeitem', { name: /extract\.sh/ }).getAttribute('aria-selected')).toBe('true');
    await expectAccessibleInBothSchemes(page, 'files tab with a file open');
  });

  it('lists versions and shows a line diff between two of them', async () => {
    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByRole('cell', { name: /Read scanned pages/ }).waitFor();
    await expectAccessible(page, 'versions tab');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/from=[0-9a-f]{40}&to=[0-9a-f]{40}/);
    const diff = page.locator('.file-diff', { hasText: 'scripts/extract.sh' });
    await diff.locator('.line-add', { hasText: 'ocrmypdf' }).waitFor();
    expect(await diff.locator('.line-del').textContent()).toContain('pdftotext "$1" -');
    expect(await page.locator('.file-diff', { hasText: 'assets/icon.png' }).count()).toBe(0);
    await expectAccessibleInBothSchemes(page, 'versions diff');

    const older = await page.getByLabel('From', { exact: true }).inputValue();
    await page.getByLabel('Show version').selectOption(older);
    await page.waitForURL(new RegExp(`at=${older}`));
    await page.getByText('not the current version').waitFor();
  });

  it('copies an install snippet for a client and says so in the live region, without counting an install', async () => {
    // The 375 px test above opened this tab already: a tab that counted would have moved the count from 0.
    expect(await installs()).toBe(0);
    await page.goto(`${atlas.url}/mcp/platform/weather/install`);
    const clients = page.getByRole('tablist', { name: 'Client' });
    await clients.getByRole('tab', { name: 'Cursor' }).click();
    await page.waitForURL(/client=cursor/);
    const config = page.locator('.code-block', { hasText: '"mcpServers"' });
    await config.waitFor();
    await expectAccessibleInBothSchemes(page, 'install tab');

    await page.getByLabel('WEATHER_UNITS').fill('metric');
    const text = (await config.locator('pre').textContent()) ?? '';
    expect(text).toContain('"WEATHER_UNITS": "metric"');
    expect(text).not.toContain('WEATHER_API_KEY": "metric');
    await config.getByRole('button', { name: /Copy/ }).click();
    await page.getByTestId('announcer').getByText('Copied the configuration to the clipboard.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(text);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the client's own variable syntax.
    expect(JSON.parse(text).mcpServers.weather.env.WEATHER_API_KEY).toBe('${env:WEATHER_API_KEY}');

    await clients.getByRole('tab', { name: 'Claude Code' }).focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Space');
    await page.waitForURL(/client=agents/);
    await page.getByRole('alert').waitFor();
    expect(await installs()).toBe(0);
  });

  it('shows a tool-like table of the server inputs and the raw manifest', async () => {
    await page.goto(`${atlas.url}/mcp/platform/weather/tools`);
    await page.getByRole('table', { name: 'Configuration inputs' }).waitFor();
    expect(await page.getByRole('row', { name: /WEATHER_API_KEY/ }).textContent()).toContain('secret');
    await expectAccessible(page, 'tools tab');
    await page.getByRole('tab', { name: 'Raw' }).click();
    await page.locator('pre', { hasText: 'io.github.acme/weather' }).waitFor();
    await expectAccessible(page, 'raw tab');
  });

  it('ran without CSP violations or page errors', () => {
    expect(problems).toEqual([]);
  });
});
