/**
 * The `skills` CLI (`npx skills`), installed from npm at test time into a fresh prefix, against a listening Atlas
 * with public read on: `skills add <atlas>` installs a multi-file skill with a binary asset byte for byte through
 * the Agent Skills discovery index (0.2.0, digest-checked archive), from the whole catalog and from a team
 * registry; `skills find` with SKILLS_API_URL pointing at Atlas lists it with a source `skills add` takes; and the
 * 1.3 line, which reads only the earlier `/.well-known/skills/` index, installs the same skill.
 */
import { execFile, spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAtlas, startAtlas } from '../support/atlas-process.ts';

const run = promisify(execFile);
const NPM_CLI = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
/**
 * The newest release that declares Node 18+ (from 1.5.19 on it needs Node 22.20): it reads
 * `/.well-known/agent-skills/` first, checks each artifact's digest, and keeps binary files intact.
 */
const SKILLS_VERSION = '1.5.18';
/** The 1.3 line reads only `/.well-known/skills/index.json`, and fetches every file as text. */
const LEGACY_SKILLS_VERSION = '1.3.9';

const LOGO = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x00, 0x7f, 0x80, 0xc3]);
const PUBLISHED: Record<string, Buffer> = {
  'SKILL.md': Buffer.from(
    '---\nname: pdf-tools\ndescription: Extract text and tables from PDF files.\nmetadata:\n  version: "1.0.0"\n---\n# PDF tools\n\nRun scripts/extract.py.\n',
  ),
  'scripts/extract.py': Buffer.from('#!/usr/bin/env python3\nprint("extract")\n'),
  'scripts/lib/pages.sh': Buffer.from('#!/bin/sh\necho "pages"\n'),
  'assets/logo.png': LOGO,
};
const TEAM_SKILL = Buffer.from('---\nname: csv-tools\ndescription: Read CSV files with the data team.\n---\n# CSV\n');
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal colours are what is stripped
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Every file under a folder (symbolic links followed), by path relative to it. */
function filesUnder(root: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path);
    }
  };
  walk(root);
  return files;
}

describe('the skills CLI against Atlas', () => {
  let scratch: string;
  let server: RunningAtlas;
  let url: string;
  const bins: Record<string, string> = {};

  const skills = (version: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const home = join(scratch, `home-${version}`);
      mkdirSync(home, { recursive: true });
      const child = spawn(bins[version]!, args, {
        cwd,
        env: {
          PATH: `${dirname(bins[version]!)}:${dirname(process.execPath)}`,
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          XDG_STATE_HOME: join(home, '.state'),
          NO_COLOR: '1',
          DISABLE_TELEMETRY: '1',
          DO_NOT_TRACK: '1',
          ...extraEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout: stdout.replace(ANSI, ''), stderr: stderr.replace(ANSI, '') });
      });
    });

  const project = (name: string) => {
    const folder = join(scratch, name);
    mkdirSync(folder);
    return folder;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'atlas-skills-cli-'));
    for (const version of [SKILLS_VERSION, LEGACY_SKILLS_VERSION]) {
      const prefix = join(scratch, `skills-${version}`);
      await run(
        process.execPath,
        [NPM_CLI, 'install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', `skills@${version}`],
        { cwd: scratch, maxBuffer: 64 * 1024 * 1024 },
      );
      bins[version] = join(prefix, 'bin', 'skills');
    }
    server = await startAtlas({ ATLAS_HOME: join(scratch, 'atlas-home'), ATLAS_PUBLIC_READ: 'true' }, 90_000);
    url = server.url.replace('//localhost:', '//127.0.0.1:');

    const post = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const { token } = (await post('/api/v1/auth/register', {
      email: 'ada@example.com',
      username: 'ada',
      password: 'a long passphrase',
    })) as { token: string };
    await post('/api/v1/teams', { slug: 'data', name: 'Data' }, token);
    await post(
      '/api/v1/items',
      {
        namespace: 'ada',
        files: Object.entries(PUBLISHED).map(([path, bytes]) => ({
          path,
          content: bytes.toString('base64'),
          encoding: 'base64',
          executable: path.startsWith('scripts/'),
        })),
      },
      token,
    );
    await post(
      '/api/v1/items',
      { namespace: 'data', files: [{ path: 'SKILL.md', content: TEAM_SKILL.toString() }] },
      token,
    );
  }, 600_000);

  afterAll(async () => {
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it(`skills@${SKILLS_VERSION} add <atlas> installs the skill byte for byte from the discovery index`, async () => {
    const cwd = project('project-add');
    const logFrom = server.output().length;
    const added = await skills(
      SKILLS_VERSION,
      ['add', url, '-y', '--skill', 'pdf-tools', '--agent', 'claude-code', '--copy'],
      cwd,
    );
    expect(added.stdout + added.stderr).toContain('pdf-tools');
    expect(added.code).toBe(0);
    const installed = join(cwd, '.claude', 'skills', 'pdf-tools');
    expect(filesUnder(installed)).toEqual(PUBLISHED);
    // It took the discovery 0.2.0 path: the digest-checked archive, not the earlier index's files.
    const log = server.output().slice(logFrom);
    expect(log).toContain('/.well-known/agent-skills/pdf-tools.zip');
    expect(log).not.toContain('/.well-known/skills/pdf-tools/');
    expect(readdirSync(join(cwd, '.claude', 'skills'))).toEqual(['pdf-tools']);
  });

  it(`skills@${SKILLS_VERSION} add <atlas>/registries/<team> installs from the team's registry`, async () => {
    const cwd = project('project-team');
    const added = await skills(
      SKILLS_VERSION,
      ['add', `${url}/registries/data`, '-y', '--skill', 'csv-tools', '--agent', 'claude-code', '--copy'],
      cwd,
    );
    expect(added.code).toBe(0);
    expect(filesUnder(join(cwd, '.claude', 'skills', 'csv-tools'))).toEqual({ 'SKILL.md': TEAM_SKILL });
  });

  it(`skills@${SKILLS_VERSION} find lists the skill from Atlas's /api/search, with a source add takes`, async () => {
    const cwd = project('project-find');
    const found = await skills(SKILLS_VERSION, ['find', 'pdf'], cwd, { SKILLS_API_URL: url });
    expect(found.code).toBe(0);
    // The CLI prints `<source>@<name>`; the source is Atlas's URL, which `skills add <source> --skill <name>` takes.
    expect(found.stdout).toContain(`${url}@pdf-tools`);
    expect(found.stdout).not.toContain('csv-tools');
    const added = await skills(
      SKILLS_VERSION,
      ['add', url, '-y', '--skill', 'pdf-tools', '--agent', 'claude-code', '--copy'],
      cwd,
    );
    expect(added.code).toBe(0);
    expect(filesUnder(join(cwd, '.claude', 'skills', 'pdf-tools'))['SKILL.md']).toEqual(PUBLISHED['SKILL.md']);
  });

  it(`skills@${LEGACY_SKILLS_VERSION} add <atlas> installs the skill from the earlier /.well-known/skills/ index`, async () => {
    const cwd = project('project-legacy');
    const logFrom = server.output().length;
    const added = await skills(
      LEGACY_SKILLS_VERSION,
      ['add', url, '-y', '--skill', 'pdf-tools', '--agent', 'claude-code'],
      cwd,
    );
    expect(added.code).toBe(0);
    const link = join(cwd, '.claude', 'skills', 'pdf-tools');
    expect(lstatSync(link).isSymbolicLink() || lstatSync(link).isDirectory()).toBe(true);
    const installed = filesUnder(join(cwd, '.agents', 'skills', 'pdf-tools'));
    expect(Object.keys(installed).sort()).toEqual(Object.keys(PUBLISHED).sort());
    for (const path of ['SKILL.md', 'scripts/extract.py', 'scripts/lib/pages.sh']) {
      expect(installed[path], path).toEqual(PUBLISHED[path]);
    }
    // Atlas served the asset byte for byte (the HTTP suite checks it); this release decodes every file as UTF-8
    // text before writing it, so only text files survive its install intact.
    expect(server.output().slice(logFrom)).toContain('/.well-known/skills/pdf-tools/assets/logo.png');

    const found = await skills(LEGACY_SKILLS_VERSION, ['find', 'pdf'], cwd, { SKILLS_API_URL: url });
    expect(found.stdout).toContain(`${url}@pdf-tools`);
  });
});
