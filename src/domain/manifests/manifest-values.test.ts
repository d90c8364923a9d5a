import { describe, expect, it } from 'vitest';
import { exactVersionProblem, templateVariables, urlTemplateProblem, webUrlProblem } from './manifest-values.ts';

describe('exactVersionProblem', () => {
  it.each(['1.0.2', '2.1.0-alpha', '0.5.0-beta.1', 'v1.2.3', '1.0.0+build.7', '2024.10.01', '1', '1.0.0-x.1', 'r42'])(
    'accepts the exact version %s',
    (version) => {
      expect(exactVersionProblem(version)).toBeUndefined();
    },
  );

  it.each([
    ['^1.2', /range/],
    ['~1.2', /range/],
    ['>=1', /range/],
    ['<2.0.0', /range/],
    ['=1.0.0', /range/],
    ['1.2 || 1.3', /range/],
    ['1.2||1.3', /range/],
    ['1.0.0 - 2.0.0', /range/],
    ['1.x', /wildcard/],
    ['1.2.X', /wildcard/],
    ['1.2.*', /wildcard/],
    ['*', /wildcard/],
    ['x', /wildcard/],
    ['latest', /latest/],
    ['LATEST', /latest/],
    ['', /empty/],
    ['v'.repeat(256), /255/],
  ])('refuses %s', (version, message) => {
    expect(exactVersionProblem(version)).toMatch(message);
  });
});

describe('webUrlProblem', () => {
  it('accepts http and https URLs', () => {
    expect(webUrlProblem('https://example.com/a?b=c')).toBeUndefined();
    expect(webUrlProblem('http://localhost:8080')).toBeUndefined();
  });

  it('refuses other schemes, relative URLs and spaces', () => {
    expect(webUrlProblem('ftp://example.com')).toMatch(/http/);
    expect(webUrlProblem('/relative')).toMatch(/absolute/);
    expect(webUrlProblem('https://exa mple.com')).toBeDefined();
  });

  it('requires https when asked', () => {
    expect(webUrlProblem('http://example.com/icon.png', { httpsOnly: true })).toBe('must use https://');
    expect(webUrlProblem('https://example.com/icon.png', { httpsOnly: true })).toBeUndefined();
  });
});

describe('urlTemplateProblem', () => {
  it.each(['https://api.example.com/mcp', 'https://{host}/mcp', '{baseUrl}/mcp', 'http://localhost:{port}/mcp'])(
    'accepts %s',
    (url) => {
      expect(urlTemplateProblem(url)).toBeUndefined();
    },
  );

  it.each(['ftp://example.com', 'example.com/mcp', 'https://example.com/a b', '{1bad}/mcp', ''])(
    'refuses %s',
    (url) => {
      expect(urlTemplateProblem(url)).toBeDefined();
    },
  );

  it.each([
    'http://localhost:{--port}/mcp',
    'https://{tenant}.example.com/{server-name}',
    'http://{--host}:{--port}/sse',
  ])('accepts placeholders with dashes inside the URL: %s', (url) => {
    expect(urlTemplateProblem(url)).toBeUndefined();
  });

  it('refuses a URL that starts with a placeholder when asked to', () => {
    expect(urlTemplateProblem('{baseUrl}/mcp', { leadingPlaceholder: false })).toMatch(/not start with one/);
    expect(urlTemplateProblem('https://{host}/mcp', { leadingPlaceholder: false })).toBeUndefined();
  });

  it('refuses a URL that is broken once its placeholders are filled', () => {
    expect(urlTemplateProblem('https://exa{x}mple .com')).toBeDefined();
    expect(urlTemplateProblem('http://{host}:99999/mcp')).toBeDefined();
  });
});

describe('templateVariables', () => {
  it('lists each placeholder once, in order', () => {
    expect(templateVariables('https://{region}.example.com/{tenant}/{region}')).toEqual(['region', 'tenant']);
  });

  it('takes only identifiers by default, which input values use', () => {
    expect(templateVariables('Bearer {token} {--port} {a-b} {"json": 1}')).toEqual(['token']);
  });

  it('takes any name without braces or spaces when asked, as transport URLs use', () => {
    expect(templateVariables('http://{--host}:{--port}/{server-name}/{PORT}', { anyName: true })).toEqual([
      '--host',
      '--port',
      'server-name',
      'PORT',
    ]);
    expect(templateVariables('https://example.com/{}/{a b}', { anyName: true })).toEqual([]);
  });
});
