#!/usr/bin/env node
// Screenshots of the web UI's main pages, light and dark, at 1440 and 375 px wide, into docs/screenshots/.
// Starts Atlas on a fresh data folder (the build is refreshed first, as `npm start` does), seeds accounts, a team
// and items through the API, and drives Debian's Chromium (ATLAS_TEST_CHROMIUM to use another) with
// playwright-core. Run: node scripts/screenshots.mjs
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs', 'screenshots');
const PASSWORD = 'a long enough passphrase';
/** A small PNG drawn by `colour(x, y)`: a document icon for the sample skill. */
function png(size, colour) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(data.length + 12);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), data.length + 8);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < size; y++) {
    rows.push(0);
    for (let x = 0; x < size; x++) rows.push(...colour(x, y));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG = png(48, (x, y) => {
  const page = x >= 12 && x < 36 && y >= 8 && y < 40;
  const line = page && x >= 16 && x < 32 && [14, 20, 26, 32].includes(y);
  if (line) return [10, 83, 194];
  return page ? [255, 255, 255] : [10, 83, 194];
});

async function startAtlas() {
  const home = mkdtempSync(join(tmpdir(), 'atlas-shots-'));
  const child = spawn(process.execPath, [join(root, 'bin', 'atlas.mjs'), 'serve'], {
    env: { ...process.env, ATLAS_HOME: join(home, '.atlas'), ATLAS_PORT: '0', ATLAS_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*Atlas is ready/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`atlas exited with ${code}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function api(url) {
  return async (method, path, token, body, headers = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

const skill = (name, description, body, version = '1.0.0') =>
  `---\nname: ${name}\ndescription: ${JSON.stringify(description)}\nmetadata:\n  version: "${version}"\n---\n${body}`;

const PDF_BODY = `# PDF tools

Extract text and tables from PDF files, fill forms, and merge documents.

![Icon](assets/icon.png)

## When to use

- A user gives you a PDF and asks what it says.
- A table in a report has to become a CSV.

| Step | What it does | Time |
| :--- | :----------- | ---: |
| 1 | Read the file | 1 s |
| 2 | Extract the tables | 3 s |

\`\`\`bash
scripts/extract.sh report.pdf --tables > tables.csv
\`\`\`

See [the reference](references/options.md) for every option.
`;

/** Accounts, a team, about twenty items, a second version and a deprecation. */
async function seed(url) {
  const call = api(url);
  const register = async (username, displayName) =>
    (
      await call('POST', '/api/v1/auth/register', undefined, {
        email: `${username}@example.com`,
        username,
        password: PASSWORD,
        displayName,
      })
    ).token;
  const ada = await register('ada', 'Ada Lovelace');
  const grace = await register('grace', 'Grace Hopper');
  await register('linus', 'Linus Pauling');
  await call('POST', '/api/v1/teams', ada, {
    slug: 'platform',
    name: 'Platform',
    description: 'Shared agent tooling for every team.',
  });
  await call('PUT', '/api/v1/teams/platform/members/grace', ada, { role: 'maintainer' });
  await call('PUT', '/api/v1/teams/platform/members/linus', ada, { role: 'member' });
  const files = (entries) =>
    Object.entries(entries).map(([path, content]) =>
      Buffer.isBuffer(content)
        ? { path, content: content.toString('base64'), encoding: 'base64' }
        : { path, content, ...(content.startsWith('#!') ? { executable: true } : {}) },
    );
  await call('POST', '/api/v1/items', ada, {
    namespace: 'platform',
    tags: ['pdf', 'documents'],
    files: files({
      'SKILL.md': skill(
        'pdf-tools',
        'Extract text and tables from PDF files, fill forms and merge documents.',
        PDF_BODY,
      ),
      'scripts/extract.sh': '#!/usr/bin/env bash\nset -euo pipefail\npdftotext "$1" -\n',
      'references/options.md': '# Options\n\n- `--tables`: tables as CSV\n',
      'assets/icon.png': PNG,
    }),
  });
  const first = await call('GET', '/api/v1/items/skill/platform/pdf-tools', ada);
  await call(
    'PUT',
    '/api/v1/items/skill/platform/pdf-tools',
    ada,
    {
      files: files({
        'SKILL.md': skill(
          'pdf-tools',
          'Extract text and tables from PDF files, fill forms and merge documents.',
          PDF_BODY.replace('merge documents.', 'merge documents, with OCR for scans.'),
          '1.1.0',
        ),
        'scripts/extract.sh': '#!/usr/bin/env bash\nset -euo pipefail\nocrmypdf --skip-text "$1" - | pdftotext - -\n',
        'references/options.md': '# Options\n\n- `--tables`: tables as CSV\n- `--ocr`: read scanned pages\n',
        'assets/icon.png': PNG,
      }),
      message: 'Read scanned pages with OCR',
    },
    { 'if-match': `"${first.item.treeSha}"` },
  );
  const words = [
    ['csv-report', 'Turn spreadsheets into a short written report with charts.', ['csv', 'reports']],
    ['release-notes', 'Write release notes from merged pull requests, grouped by area.', ['git', 'writing']],
    ['sql-review', 'Review SQL migrations for locks, missing indexes and unsafe defaults.', ['sql', 'review']],
    ['incident-triage', 'Triage a production incident: timeline, blast radius, next steps.', ['ops']],
    ['api-docs', 'Document an HTTP API from its routes and examples.', ['docs']],
    ['changelog-writer', 'Keep a CHANGELOG.md in the Keep a Changelog format.', ['writing']],
    ['image-resize', 'Resize and compress images for the web.', ['images']],
    ['tone-check', 'Check a text for tone and plain language.', ['writing']],
  ];
  for (const [name, description, tags] of words) {
    await call('POST', '/api/v1/items', grace, {
      namespace: 'platform',
      tags,
      files: files({ 'SKILL.md': skill(name, description, `# ${name}\n\n${description}\n`) }),
    });
  }
  for (const name of ['git-helper', 'unicode-notes', 'data-cleaning']) {
    await call('POST', '/api/v1/items', grace, {
      namespace: 'grace',
      files: files({ 'SKILL.md': skill(name, `Personal ${name.replace('-', ' ')} skill.`, `# ${name}\n`) }),
    });
  }
  await call('POST', '/api/v1/items', ada, {
    namespace: 'platform',
    tags: ['weather'],
    files: files({
      'server.json': JSON.stringify({
        name: 'io.github.acme/weather',
        description: 'Forecasts and current conditions for any place.',
        version: '2.1.0',
        packages: [
          {
            registryType: 'npm',
            identifier: '@acme/weather-mcp',
            version: '2.1.0',
            transport: { type: 'stdio' },
            environmentVariables: [
              { name: 'WEATHER_API_KEY', description: 'Your API key', isRequired: true, isSecret: true },
              { name: 'WEATHER_UNITS', description: 'metric or imperial', isRequired: true },
            ],
          },
        ],
      }),
      'README.md': '# Weather\n\nAsk for the forecast of any city.\n',
    }),
  });
  await call('POST', '/api/v1/items', ada, {
    namespace: 'platform',
    tags: ['math'],
    files: files({
      'tool.json': JSON.stringify({
        name: 'convert_units',
        description: 'Convert a quantity between units.',
        version: '1.0.0',
        input_schema: {
          type: 'object',
          properties: {
            value: { type: 'number', description: 'The quantity' },
            from: { type: 'string', description: 'Unit to convert from' },
            to: { type: 'string', description: 'Unit to convert to' },
          },
          required: ['value', 'from', 'to'],
        },
      }),
    }),
  });
  await call('PATCH', '/api/v1/items/skill/platform/tone-check', ada, {
    status: 'deprecated',
    statusMessage: 'Use skill/platform/release-notes, which checks tone too.',
  });
  await call('POST', '/api/v1/items/skill/platform/pdf-tools/installs', grace, { client: 'claude-code' });
  await call('POST', '/api/v1/tokens', ada, { name: 'laptop CLI' });
  return { ada };
}

async function main() {
  mkdirSync(out, { recursive: true });
  const atlas = await startAtlas();
  const browser = await chromium.launch({
    executablePath: process.env.ATLAS_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    await seed(atlas.url);
    // A folder with a mistake in it, for the publish preview.
    const broken = join(mkdtempSync(join(tmpdir(), 'atlas-shots-folder-')), 'pdf-merge');
    mkdirSync(join(broken, 'scripts'), { recursive: true });
    writeFileSync(
      join(broken, 'SKILL.md'),
      '---\nname: pdf-merge\nversion: 1.0.0\ndescription: [Merge PDF files\n---\n# Merge PDFs\n\nRun `scripts/merge.sh a.pdf b.pdf`.\n',
    );
    writeFileSync(join(broken, 'scripts', 'merge.sh'), '#!/bin/sh\nqpdf --empty --pages "$@" -- merged.pdf\n');
    const publishWithProblems = async (page) => {
      await page.getByLabel("Choose the item's folder").setInputFiles(broken);
      await page.getByRole('heading', { name: 'Problems' }).waitFor();
      await page.getByRole('treeitem', { name: /SKILL\.md/ }).click();
    };
    const pages = [
      ['search', '/', 'Browse the catalog'],
      ['search-results', '/?q=pdf+tables', 'Results for'],
      ['item-overview', '/skill/platform/pdf-tools', 'platform/pdf-tools'],
      ['item-files', '/skill/platform/pdf-tools/files?path=scripts%2Fextract.sh', 'platform/pdf-tools'],
      [
        'item-versions',
        '/skill/platform/pdf-tools/versions',
        'platform/pdf-tools',
        async (page) => {
          await page.getByRole('button', { name: 'Compare' }).click();
          await page.locator('.line-add').first().waitFor();
        },
      ],
      ['item-install', '/mcp/platform/weather/install?client=cursor', 'platform/weather'],
      ['team', '/teams/platform', 'Platform'],
      ['publish', '/publish', 'Publish', publishWithProblems],
      ['account', '/account', 'Your account'],
      ['admin', '/admin', 'Admin'],
    ];
    for (const width of [1440, 375]) {
      for (const colorScheme of ['light', 'dark']) {
        const context = await browser.newContext({
          viewport: { width, height: width > 800 ? 900 : 812 },
          deviceScaleFactor: 1,
          colorScheme,
          reducedMotion: 'reduce',
        });
        const page = await context.newPage();
        await page.goto(`${atlas.url}/account`);
        const form = page.getByRole('region', { name: 'Sign in' });
        await form.getByLabel('Email or username').fill('ada');
        await form.getByLabel('Password').fill(PASSWORD);
        await form.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Your account' }).waitFor();
        for (const [name, path, heading, prepare] of pages) {
          await page.goto(`${atlas.url}${path}`);
          await page.getByRole('heading', { level: 1, name: heading }).first().waitFor();
          if (prepare) await prepare(page);
          await page.waitForLoadState('networkidle');
          await page.waitForTimeout(150);
          const file = join(out, `${name}-${width}-${colorScheme}.png`);
          writeFileSync(file, await page.screenshot({ fullPage: width < 800 || name === 'search' }));
          process.stdout.write(`${file}\n`);
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await atlas.stop();
  }
}

await main();
