import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandHelp } from '../../src/entrypoints/cli/command.ts';
import { COMMANDS } from '../../src/entrypoints/cli/command-table.ts';
import { copyFixture, type Sandbox, sandbox } from '../support/cli-harness.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A tiny HTTP server that answers every request with `handler`. */
async function fakeServer(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const problem = (response: ServerResponse, status: number, code: string, detail: string) => {
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ type: `urn:atlas:problem:${code}`, title: 'Error', status, code, detail }));
};

describe('atlas with bad input, a failing server or none at all', () => {
  let box: Sandbox;
  let failing: Awaited<ReturnType<typeof fakeServer>>;
  let proxy: Awaited<ReturnType<typeof fakeServer>>;
  let stale: Awaited<ReturnType<typeof fakeServer>>;
  let closedUrl: string;
  let repo: string;

  beforeAll(async () => {
    box = sandbox();
    repo = copyFixture('skills-repo', box.root);
    failing = await fakeServer((_request, response) =>
      problem(response, 500, 'internal', 'something went wrong on our side'),
    );
    proxy = await fakeServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html><body>Bad gateway</body></html>');
    });
    const tree = 'a'.repeat(40);
    stale = await fakeServer((request, response) => {
      if (request.method === 'GET' && request.url === '/api/v1/items/skill/alice/pdf-tools') {
        response.writeHead(200, { 'content-type': 'application/json', etag: `"${tree}"` });
        response.end(
          JSON.stringify({ item: { ref: 'skill/alice/pdf-tools', status: 'active', treeSha: tree }, files: [] }),
        );
      } else if (request.method === 'PUT') {
        problem(
          response,
          412,
          'stale_revision',
          `skill/alice/pdf-tools changed since you read it (now ${'b'.repeat(40)}); read it again`,
        );
      } else {
        problem(response, 404, 'not_found', 'no route');
      }
    });
    const closed = await fakeServer(() => {});
    closedUrl = closed.url;
    await closed.close();
  });
  afterAll(async () => {
    await Promise.all([failing?.close(), proxy?.close(), stale?.close()]);
    box?.cleanup();
  });

  it('offers --help with an example on every command', async () => {
    // Two through the binary; every command's help text is built the same way, checked in-process.
    const [publish, install] = await Promise.all([box.run(['publish', '--help']), box.run(['help', 'install'])]);
    expect(publish.code).toBe(0);
    expect(publish.stdout).toMatch(/^Usage: atlas publish <folder\|zip> \[options\]/);
    expect(install.code).toBe(0);
    expect(install.stdout).toContain('atlas install mcp/platform/github --client cursor');
    for (const entry of COMMANDS) {
      const help = commandHelp(entry.name, entry.summary, await entry.load());
      expect(help, entry.name).toMatch(new RegExp(`^Usage: atlas ${entry.name} `));
      expect(help, entry.name).toMatch(/\nExamples:\n {2}atlas /);
      expect(help, entry.name).toContain('-h, --help');
    }
  });

  it('answers wrong usage with exit code 2 and a pointer to the help', async () => {
    const [none, unknown, option, missing, choice] = await Promise.all([
      box.run([]),
      box.run(['publsh', '.']),
      box.run(['search', '--colour']),
      box.run(['install']),
      box.run(['search', '--sort', 'random']),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: atlas <command>');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "atlas publish"');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--colour'");
    expect(option.stderr).toContain('atlas search --help');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing argument: atlas install <ref>');
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain('--sort must be one of relevance, updated, installs, name (got "random")');
  });

  it('says the server is unreachable, and how to start one or point at another', async () => {
    const run = await box.run(['search', 'pdf'], { env: { ATLAS_URL: closedUrl, ATLAS_TOKEN: 'x' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach Atlas at ${closedUrl} (connection refused)`);
    expect(run.stderr).toContain('npm start');
    expect(run.stderr).toContain('atlas login --url');
  });

  it('still validates locally in a dry run when no server answers', async () => {
    const repo = copyFixture('skills-repo', box.root);
    const run = await box.run(
      ['publish', join(repo, 'skills', 'pdf-tools'), '--dry-run', '--namespace', 'alice', '--json'],
      {
        env: { ATLAS_URL: closedUrl },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ dryRun: true, action: 'unknown', ref: 'skill/alice/pdf-tools' });
  });

  it('reports a server error (5xx) with its status and detail, and a proxy error page', async () => {
    const run = await box.run(['search', 'pdf', '--json'], { env: { ATLAS_URL: failing.url, ATLAS_TOKEN: 'x' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr).error).toMatchObject({
      code: 'internal',
      message: `Atlas at ${failing.url} failed (HTTP 500 Internal Server Error): something went wrong on our side`,
      hint: expect.stringMatching(/try again/),
    });
    const html = await box.run(['show', 'skill/alice/pdf-tools'], { env: { ATLAS_URL: proxy.url, ATLAS_TOKEN: 'x' } });
    expect(html.code).toBe(1);
    expect(html.stderr).toContain('failed (HTTP 502 Bad Gateway)');
  });

  it('damages no file when the server fails during an install, and saves no login', async () => {
    const config = join(box.home, '.claude.json');
    const original = '{\n  "mcpServers": {}\n}\n';
    writeFileSync(config, original);
    const install = await box.run(['install', '--yes', 'mcp/alice/github'], {
      env: { ATLAS_URL: failing.url, ATLAS_TOKEN: 'x' },
    });
    expect(install.code).toBe(1);
    expect(readFileSync(config, 'utf8')).toBe(original);
    expect(readdirSync(box.home).filter((file) => file.endsWith('.bak'))).toEqual([]);
    const skill = await box.run(['install', '--yes', 'skill/alice/pdf-tools'], {
      env: { ATLAS_URL: failing.url, ATLAS_TOKEN: 'x' },
    });
    expect(skill.code).toBe(1);
    expect(existsSync(join(box.home, '.claude', 'skills'))).toBe(false);

    const login = await box.run(['login', '--url', failing.url, '--token', 'atlas_p_x']);
    expect(login.code).toBe(1);
    expect(existsSync(join(box.xdg, 'atlas', 'config.json'))).toBe(false);
  });

  it('explains a 412 on publish --update: someone changed the item meanwhile', async () => {
    const run = await box.run(['publish', join(repo, 'skills', 'pdf-tools'), '--update', '--namespace', 'alice'], {
      env: { ATLAS_URL: stale.url, ATLAS_TOKEN: 'x' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('skill/alice/pdf-tools changed on the server while you were publishing');
    expect(run.stderr).toContain('run the command again');
  });

  it('refuses to uninstall from a config file that is not JSON, leaving it as it was', async () => {
    // Cursor reads plain JSON (VS Code's mcp.json may hold comments, and Atlas keeps them).
    const folder = join(box.project, '.cursor');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'mcp.json');
    const withComments = '{\n  // my servers\n  "mcpServers": { "github": { "command": "x" } },\n}\n';
    writeFileSync(file, withComments);
    const run = await box.run(['uninstall', 'mcp/alice/github', '--client', 'cursor', '--scope', 'project']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('holds comments or trailing commas');
    expect(readFileSync(file, 'utf8')).toBe(withComments);
  });

  it('prints no colour codes when NO_COLOR is set or the output is not a terminal', async () => {
    const run = await box.run(['login', '--url', 'ftp://example.com'], { env: { NO_COLOR: '1' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--url must be an http or https URL');
    expect(run.stderr).not.toContain('\x1b[');
  });
});
