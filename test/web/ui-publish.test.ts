/**
 * Publishing from the web UI in Chromium: a folder with an invalid SKILL.md (the problem shown with its file and
 * line, fixed in place, then published), an update previewed as a file-level diff, a zip, and a pasted tool.json;
 * axe on every state.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAtlas } from '../support/atlas-process.ts';
import {
  apiClient,
  expectAccessible,
  expectAccessibleInBothSchemes,
  hasChromium,
  launchBrowser,
  openPage,
  signIn,
  skillMd,
  startWebAtlas,
} from './web-support.ts';

function folder(root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe.skipIf(!hasChromium)('web UI: publish', () => {
  let atlas: RunningAtlas;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let grace: string;
  const scratch = mkdtempSync(join(tmpdir(), 'atlas-publish-ui-'));

  beforeAll(async () => {
    atlas = await startWebAtlas();
    const api = apiClient(atlas.url);
    const ada = await api.register('ada');
    grace = await api.register('grace');
    await api.call('POST', '/api/v1/teams', ada, { slug: 'platform', name: 'Platform' });
    await api.call('PUT', '/api/v1/teams/platform/members/grace', ada, { role: 'member' });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    ({ page, problems } = await openPage(context));
    await signIn(page, atlas.url, 'grace');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await atlas?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows every problem of a folder with its file and line, lets it be fixed in place, and publishes', async () => {
    await page.goto(`${atlas.url}/publish`);
    await page.getByRole('heading', { level: 1, name: 'Publish' }).waitFor();
    expect(await page.getByLabel('Publish into').inputValue()).toBe('platform');
    await expectAccessibleInBothSchemes(page, 'publish, empty');

    const dir = folder(scratch, 'pdf-merge', {
      'SKILL.md': '---\nname: pdf-merge\nversion: 1.0.0\ndescription: [unclosed\n---\n# Merge PDFs\n',
      'scripts/merge.sh': '#!/bin/sh\nqpdf --empty --pages "$@" -- merged.pdf\n',
      '.DS_Store': 'junk',
    });
    await page.getByLabel("Choose the item's folder").setInputFiles(dir);
    const problemList = page.locator('.notice.error', { has: page.getByRole('heading', { name: 'Problems' }) });
    await problemList.waitFor();
    expect(await problemList.textContent()).toMatch(/SKILL\.md, line \d+:/);
    expect(await page.getByText('Left out 1 file').count()).toBe(1);
    const tree = page.getByRole('tree', { name: 'Files to publish' });
    expect(await tree.getByRole('treeitem', { name: /SKILL\.md.*1 problem/ }).count()).toBe(1);
    expect(await tree.getByRole('treeitem', { name: /merge\.sh executable/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).toBe(true);
    await expectAccessibleInBothSchemes(page, 'publish, problems found');

    await tree.getByRole('treeitem', { name: /SKILL\.md/ }).click();
    const editor = page.getByLabel('Contents of SKILL.md');
    await editor.fill(skillMd('pdf-merge', 'Merge PDF files into one.', '# Merge PDFs\n\nRun scripts/merge.sh.\n'));
    await page.getByRole('button', { name: 'Save and check again' }).click();
    await page.getByText('A new item: nothing of that name exists yet.').waitFor();
    expect(await page.locator('.notice.success').textContent()).toContain('skill/platform/pdf-merge');
    await page.locator('.rendered-doc .markdown', { hasText: 'Run scripts/merge.sh.' }).waitFor();
    await expectAccessibleInBothSchemes(page, 'publish, ready');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.waitForURL(/\/skill\/platform\/pdf-merge$/);
    await page.getByRole('heading', { level: 1, name: /platform\/pdf-merge/ }).waitFor();
    const published = await apiClient(atlas.url).call('GET', '/api/v1/items/skill/platform/pdf-merge', grace);
    expect(published.files.map((file: { path: string }) => file.path)).toEqual(['SKILL.md', 'scripts/merge.sh']);
    expect(published.files.find((file: { path: string }) => file.path === 'scripts/merge.sh').executable).toBe(true);
  });

  it('previews an update as the files it adds, changes and removes, then publishes it', async () => {
    await page.goto(`${atlas.url}/publish`);
    const dir = folder(scratch, 'pdf-merge-2/pdf-merge', {
      'SKILL.md': skillMd('pdf-merge', 'Merge PDF files into one.', '# Merge PDFs\n\nRun scripts/merge.sh.\n'),
      'scripts/merge.sh': '#!/bin/sh\nqpdf --empty --pages "$@" -- "$OUT"\n',
      'README.md': '# Notes\n',
    });
    await page.getByLabel("Choose the item's folder").setInputFiles(dir);
    await page.getByText('This is an update of').waitFor();
    const changes = page.locator('.changes li');
    expect(await changes.allTextContents()).toEqual(['added README.md', 'changed scripts/merge.sh']);
    await expectAccessible(page, 'publish, update preview');
    // The same explicit version with other content is refused; the answer is shown where the preview is.
    await page.getByRole('button', { name: 'Publish update' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /1\.0\.0/ })
      .waitFor();
    await expectAccessible(page, 'publish, refused update');
    await page
      .getByRole('tree', { name: 'Files to publish' })
      .getByRole('treeitem', { name: /SKILL\.md/ })
      .click();
    await page
      .getByLabel('Contents of SKILL.md')
      .fill(skillMd('pdf-merge', 'Merge PDF files into one.', '# Merge PDFs\n\nRun scripts/merge.sh.\n', '1.1.0'));
    await page.getByRole('button', { name: 'Save and check again' }).click();
    await page.getByText('changed SKILL.md').waitFor();
    await page.getByRole('button', { name: 'Publish update' }).click();
    await page.waitForURL(/\/skill\/platform\/pdf-merge$/);
    await page.getByRole('tab', { name: 'Versions' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
  });

  it('publishes a zip, and a pasted tool.json', async () => {
    await page.goto(`${atlas.url}/publish`);
    await page.getByLabel('A zip file').check();
    const zip = zipSync({
      'csv-tidy/SKILL.md': strToU8(skillMd('csv-tidy', 'Tidy CSV files.')),
      'csv-tidy/references/rules.md': strToU8('# Rules\n'),
    });
    await page
      .getByLabel("Choose a zip of the item's folder")
      .setInputFiles({ name: 'csv-tidy.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
    await page.getByText('A new item: nothing of that name exists yet.').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.waitForURL(/\/skill\/platform\/csv-tidy$/);

    await page.goto(`${atlas.url}/publish`);
    await page.getByLabel('Paste a server.json or tool.json').check();
    await page.getByRole('textbox', { name: 'server.json or tool.json' }).fill(
      JSON.stringify({
        name: 'word_count',
        description: 'Count the words of a text.',
        input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      }),
    );
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText('A new item: nothing of that name exists yet.').waitFor();
    await expectAccessible(page, 'publish, pasted tool.json');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.waitForURL(/\/tool\/platform\/word-count$/);
    await page.getByRole('tab', { name: 'Tools' }).click();
    await page.getByRole('table', { name: 'Input schema' }).waitFor();
    expect(await page.getByRole('row', { name: /text/ }).textContent()).toContain('Yes');
  });

  it('ran without CSP violations or page errors', () => {
    expect(problems).toEqual([]);
  });
});
