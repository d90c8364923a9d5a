/**
 * The Markdown renderer against hostile input, run where it runs: the web UI's own module (markdown-it and
 * DOMPurify), bundled by Vite and executed in Chromium's DOM, behind the same CSP as the UI.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_UI_CSP } from '../../src/entrypoints/http/web-ui.ts';
import { hasChromium, launchBrowser } from './web-support.ts';

const ENTRY = fileURLToPath(new URL('../../web/src/markdown/render.ts', import.meta.url));

async function bundle(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: ENTRY, formats: ['iife'], name: 'AtlasMarkdown', fileName: 'render' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; code?: string }[] }[];
  const chunk = outputs[0]!.output.find((entry) => entry.type === 'chunk');
  if (!chunk?.code) throw new Error('the renderer did not bundle');
  return chunk.code;
}

interface Rendered {
  html: string;
  /** What the rendered HTML did once placed in the page: alerts, requests, script elements, handlers. */
  alerts: string[];
  scripts: number;
  handlers: string[];
  hrefs: string[];
  srcs: string[];
}

describe.skipIf(!hasChromium)('the Markdown sanitiser (in Chromium)', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    const code = await bundle();
    browser = await launchBrowser();
    page = await browser.newPage();
    // Any request the rendered HTML makes is recorded and answered empty: nothing leaves the machine.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === 'https://atlas.test/') {
        return route.fulfill({
          contentType: 'text/html',
          headers: { 'content-security-policy': WEB_UI_CSP },
          body: '<!doctype html><html lang="en"><title>t</title><div id="out"></div>',
        });
      }
      requests.push(url);
      return route.fulfill({ status: 204, body: '' });
    });
    await page.goto('https://atlas.test/');
    await page.evaluate(`window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));`);
    await page.evaluate(code);
  }, 120_000);
  afterAll(() => browser?.close());

  const render = async (markdown: string, raw = false): Promise<Rendered> =>
    (await page.evaluate(`(async () => {
      const source = ${JSON.stringify(markdown)};
      const html = ${raw}
        ? AtlasMarkdown.sanitizeHtml(source)
        : AtlasMarkdown.renderMarkdown(source, {
            imageUrl: (path) => '/api/v1/items/skill/ns/name/files/' + path.split('/').map(encodeURIComponent).join('/'),
            fileLink: (path) => '/skill/ns/name/files?path=' + encodeURIComponent(path),
          });
      const out = document.getElementById('out');
      out.innerHTML = html;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const all = [...out.querySelectorAll('*')];
      return {
        html,
        alerts: window.__alerts.splice(0),
        scripts: out.querySelectorAll('script, iframe, object, embed, svg, math, style, form, input, base, meta, link').length,
        handlers: all.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name) || a.name === 'style').map((a) => el.tagName + ' ' + a.name)),
        hrefs: [...out.querySelectorAll('[href]')].map((el) => el.getAttribute('href')),
        srcs: [...out.querySelectorAll('[src], [srcset]')].map((el) => el.getAttribute('src') ?? el.getAttribute('srcset')),
      };
    })()`)) as Rendered;

  const expectInert = (rendered: Rendered) => {
    expect(rendered.alerts).toEqual([]);
    expect(rendered.scripts).toBe(0);
    expect(rendered.handlers).toEqual([]);
    for (const href of rendered.hrefs) expect(href).toMatch(/^(https?:|mailto:|#|\/(?!\/))/);
    for (const src of rendered.srcs) expect(src).toMatch(/^(https:\/\/|\/api\/v1\/items\/)/);
  };

  it('shows raw HTML in Markdown as text: <script>, event handlers, iframes, SVG', async () => {
    const rendered = await render(
      [
        '<script>alert("script")</script>',
        '<img src=x onerror="alert(\'onerror\')">',
        '<iframe src="javascript:alert(1)"></iframe>',
        '<svg onload="alert(\'svg\')"><script>alert(2)</script></svg>',
        '<a href="javascript:alert(3)">click</a>',
        '<details open ontoggle="alert(4)">x</details>',
      ].join('\n\n'),
    );
    expectInert(rendered);
    expect(rendered.html).toContain('&lt;script&gt;');
    expect(rendered.html).not.toMatch(/<script|<img|<iframe|<svg|<details/i);
  });

  it('drops javascript:, vbscript:, data: and file: links however they are spelled', async () => {
    const rendered = await render(
      [
        '[a](javascript:alert(1))',
        '[b](JaVaScRiPt:alert(1))',
        '[c](java\tscript:alert(1))',
        '[d](&#106;avascript:alert(1))',
        '[e](%6Aavascript:alert(1))',
        '[f](vbscript:msgbox(1))',
        '[g](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
        '[h](file:///etc/passwd)',
        '[i](  javascript:alert(1))',
        '<javascript:alert(1)>',
        '[j]: javascript:alert(1)\n\n[ref][j]',
      ].join('\n\n'),
    );
    expectInert(rendered);
    expect(rendered.hrefs.filter((href) => !href.startsWith('/skill/'))).toEqual([]);
    await page.click('#out a >> nth=0').catch(() => undefined);
    expect((await render('')).alerts).toEqual([]);
  });

  it('keeps https, mailto and anchor links, and sends item-relative links to the Files tab', async () => {
    const rendered = await render(
      '[site](https://example.com/docs) [mail](mailto:team@example.com) [top](#usage) [ref](references/options.md) [up](../../etc/passwd)',
    );
    expectInert(rendered);
    expect(rendered.hrefs).toEqual([
      'https://example.com/docs',
      'mailto:team@example.com',
      '#usage',
      '/skill/ns/name/files?path=references%2Foptions.md',
    ]);
    expect(rendered.html).toMatch(/href="https:\/\/example\.com\/docs" rel="noopener noreferrer nofollow"/);
  });

  it('shows images from the item or https only: data:, http:, javascript: and SVG tricks become text', async () => {
    const before = requests.length;
    const rendered = await render(
      [
        '![icon](assets/icon.png)',
        '![remote](https://img.example.com/badge.png)',
        '![plain](http://tracker.example.com/pixel.gif)',
        '![data](data:image/png;base64,iVBORw0KGgo=)',
        '![svgdata](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
        '![js](javascript:alert(1))',
        '![outside](../../../../api/v1/auth/logout)',
        '![proto](//img.example.com/relative-scheme.png)',
      ].join('\n\n'),
    );
    expectInert(rendered);
    // A scheme-relative URL is https on an https page: the same as writing https.
    expect(rendered.srcs).toEqual([
      '/api/v1/items/skill/ns/name/files/assets/icon.png',
      'https://img.example.com/badge.png',
      'https://img.example.com/relative-scheme.png',
    ]);
    expect(rendered.html).toContain('[image: data]');
    expect(rendered.html).toContain('[image: plain]');
    const fetched = requests.slice(before);
    expect(fetched.some((url) => url.includes('tracker') || url.includes('evil') || url.includes('logout'))).toBe(
      false,
    );
  });

  it('renders code blocks as text and table alignment as classes, never as style attributes', async () => {
    const rendered = await render('```html\n<script>alert(1)</script>\n```\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n');
    expectInert(rendered);
    expect(rendered.html).toContain('<pre tabindex="0"><code class="language-html">&lt;script&gt;');
    expect(rendered.html).toContain('class="align-center"');
    expect(rendered.html).not.toContain('style=');
  });

  it('cleans hostile HTML given straight to the second layer (DOMPurify with the allow-list)', async () => {
    const rendered = await render(
      [
        '<p onclick="alert(1)" style="position:fixed" id="csrf" class="evil language-js">x</p>',
        '<a href="javascript:alert(1)">a</a><a href="//evil.example.com">b</a><a href="/skill/x/y">c</a>',
        '<img src="x" onerror="alert(1)"><img src="data:image/png;base64,AAAA"><img src="https://ok.example.com/i.png">',
        '<svg><animate onbegin="alert(1)" attributeName="x"/></svg>',
        '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
        '<form action="https://evil.example.com"><input name="password"><button>go</button></form>',
        '<a href="https://ok.example.com" target="_blank">t</a>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
      ].join(''),
      true,
    );
    expectInert(rendered);
    expect(rendered.html).not.toMatch(/\bid=|style=|onclick|onerror|target=|<form|<input|<svg|<math|evil\.example/);
    expect(rendered.hrefs).toEqual(['/skill/x/y', 'https://ok.example.com']);
    expect(rendered.srcs).toEqual(['https://ok.example.com/i.png']);
    expect(rendered.html).toContain('class="language-js"');
  });

  it('strips the SKILL.md frontmatter before rendering', async () => {
    const body = (await page.evaluate(
      `AtlasMarkdown.skillBody('---\\nname: x\\ndescription: "<script>"\\n---\\n# Title\\n')`,
    )) as string;
    expect(body).toBe('# Title\n');
  });
});
