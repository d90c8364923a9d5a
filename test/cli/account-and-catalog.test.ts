import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgeZip } from '../../src/lib/zip/testing/forge-zip.ts';
import {
  api,
  copyFixture,
  PASSWORD,
  registerUser,
  type Sandbox,
  sandbox,
  startTestServer,
} from '../support/cli-harness.ts';

const enc = new TextEncoder();

describe('atlas login, publish, search, show and versions against a running server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let box: Sandbox;
  let repo: string;
  let bobToken: string;

  beforeAll(async () => {
    server = await startTestServer();
    box = sandbox();
    repo = copyFixture('skills-repo', box.root);
    // The first account becomes site admin, who may publish anywhere; alice and bob are ordinary users.
    await registerUser(server.url, 'site-owner');
    await registerUser(server.url, 'alice');
    bobToken = await registerUser(server.url, 'bob');
  });
  afterAll(async () => {
    await server?.stop();
    box?.cleanup();
  });

  it('logs in with a password from standard input and keeps the token in a private settings file', async () => {
    const login = await box.run(['login', '--url', server.url, '--username', 'alice', '--password-stdin', '--json'], {
      input: `${PASSWORD}\n`,
    });
    expect(login.code, login.stderr).toBe(0);
    const settingsFile = join(box.xdg, 'atlas', 'config.json');
    expect(login.json()).toMatchObject({ url: server.url, user: { username: 'alice' }, settingsPath: settingsFile });
    expect(statSync(settingsFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(box.xdg, 'atlas')).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(settingsFile, 'utf8'));
    expect(saved.current).toBe(server.url);
    expect(saved.servers[server.url].token).toMatch(/^atlas_/);
    expect(readFileSync(settingsFile, 'utf8')).not.toContain(PASSWORD);

    const whoami = await box.run(['whoami']);
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain('alice');
    expect(whoami.stdout).toContain(server.url);
    expect(whoami.stdout).not.toContain('\x1b[');
  });

  it('refuses a wrong password and a bad token with the reason and exit code 1, saving nothing', async () => {
    const other = sandbox();
    try {
      const wrong = await other.run(['login', '--url', server.url, '-u', 'alice', '--password-stdin'], {
        input: 'nope\n',
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/refused the login: wrong login or password/);
      const token = await other.run(['login', '--url', server.url, '--token', 'atlas_p_not_a_real_token']);
      expect(token.code).toBe(1);
      expect(token.stderr).toMatch(/refused the token/);
      expect(existsSync(join(other.xdg, 'atlas', 'config.json'))).toBe(false);
      const notInteractive = await other.run(['login', '--url', server.url]);
      expect(notInteractive.code).toBe(2);
      expect(notInteractive.stderr).toMatch(/--password-stdin/);
    } finally {
      other.cleanup();
    }
  });

  it('validates locally and shows what a dry run would publish, without publishing', async () => {
    const dry = await box.run(['publish', join(repo, 'skills', 'pdf-tools'), '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const result = dry.json();
    expect(result).toMatchObject({ dryRun: true, action: 'create', ref: 'skill/alice/pdf-tools', kind: 'skill' });
    expect(result.files).toContainEqual({ path: 'scripts/extract.sh', size: expect.any(Number), executable: true });
    expect(result.files).toContainEqual({ path: 'assets/icon.png', size: expect.any(Number), executable: false });
    const search = await api<{ items: unknown[] }>(server.url, bobToken, 'GET', '/api/v1/items?q=pdf');
    expect(search.items).toEqual([]);
  });

  it('publishes a folder, answers "unchanged" for the same content, and needs --update for a new version', async () => {
    const folder = join(repo, 'skills', 'pdf-tools');
    const first = await box.run(['publish', folder, '--tag', 'pdf', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const published = first.json();
    expect(published).toMatchObject({ dryRun: false, action: 'created', ref: 'skill/alice/pdf-tools' });
    expect(published.item.tags).toEqual(['pdf']);

    const again = await box.run(['publish', folder]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already published with this content/);

    appendFileSync(join(folder, 'SKILL.md'), '\nA second paragraph.\n');
    const refused = await box.run(['publish', folder]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('skill/alice/pdf-tools already exists with other content');
    expect(refused.stderr).toContain(`atlas publish ${folder} --update`);

    const updated = await box.run(['publish', folder, '--update', '--json']);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.json()).toMatchObject({ action: 'updated', ref: 'skill/alice/pdf-tools' });
    expect(updated.json().treeSha).not.toBe(published.treeSha);
  });

  it('lists every problem of an invalid item with its file and line, and exits 1', async () => {
    const broken = await box.run(['publish', join(repo, 'skills', 'broken-skill')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/is not a valid item/);
    expect(broken.stderr).toMatch(/SKILL\.md:3 +invalid YAML/);

    const several = join(box.root, 'several');
    mkdirSync(several);
    writeFileSync(join(several, 'SKILL.md'), '---\nname: Several_Problems\ncompatibility: ""\n---\n');
    const all = await box.run(['publish', several, '--dry-run', '--json']);
    expect(all.code).toBe(1);
    expect(
      JSON.parse(all.stderr)
        .error.problems.map((problem: { path: string }) => problem.path)
        .sort(),
    ).toEqual(['SKILL.md#/compatibility', 'SKILL.md#/description', 'SKILL.md#/name', 'SKILL.md#/name']);

    const noManifest = join(box.root, 'no-manifest');
    mkdirSync(noManifest);
    writeFileSync(join(noManifest, 'README.md'), '# not a manifest\n');
    const none = await box.run(['publish', noManifest]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /no manifest at the top of the folder: expected one of SKILL\.md, server\.json, tool\.json/,
    );

    const renamed = join(box.root, 'renamed-helper');
    cpSync(join(repo, 'skills', 'git-helper'), renamed, { recursive: true });
    const mismatch = await box.run(['publish', renamed, '--dry-run']);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('SKILL.md#/name');
    expect(mismatch.stderr).toContain('must equal the folder name "renamed-helper"');
  });

  it('refuses a zip whose entries climb out of the item folder', async () => {
    const zip = join(box.root, 'evil.zip');
    writeFileSync(
      zip,
      forgeZip([
        { name: 'SKILL.md', content: enc.encode('---\nname: evil\ndescription: x\n---\n') },
        { name: '../../.bashrc', content: enc.encode('echo owned\n') },
      ]),
    );
    const run = await box.run(['publish', zip, '--json']);
    expect(run.code).toBe(1);
    const error = JSON.parse(run.stderr).error;
    expect(error.code).toBe('invalid');
    expect(error.problems).toContainEqual({ path: 'zip:../../.bashrc', message: expect.stringMatching(/name/) });
    expect(run.stdout).toBe('');
  });

  it("shows the server's reason when publishing into someone else's namespace", async () => {
    const run = await box.run(['publish', join(repo, 'skills', 'sql-review'), '--namespace', 'bob']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('forbidden: "bob" is another user\'s namespace');
  });

  it('searches with a table that fits the terminal width, and as JSON', async () => {
    await box.run(['publish', join(repo, 'skills', 'release-notes')]);
    const table = await box.run(['search', 'notes'], { env: { COLUMNS: '60' } });
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REF +VERSION +INSTALLS +DESCRIPTION$/);
    expect(lines.some((line) => line.startsWith('skill/alice/release-notes'))).toBe(true);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    expect(table.stdout).toContain('…');

    const json = await box.run(['search', '--kind', 'skill', '--sort', 'name', '--json']);
    const body = json.json();
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((item: { ref: string }) => item.ref)).toEqual([
      'skill/alice/pdf-tools',
      'skill/alice/release-notes',
    ]);

    const none = await box.run(['search', 'zzzzzz-nothing']);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/Nothing matches/);
  });

  it('shows an item with its files and versions, and lists its versions', async () => {
    const show = await box.run(['show', 'skill/alice/pdf-tools', '--json']);
    expect(show.code, show.stderr).toBe(0);
    const details = show.json();
    expect(details.item.ref).toBe('skill/alice/pdf-tools');
    expect(details.files).toContainEqual({ path: 'scripts/extract.sh', executable: true, blobSha: expect.any(String) });
    expect(details.versions).toHaveLength(2);

    const human = await box.run(['show', 'skill/alice/pdf-tools']);
    expect(human.stdout).toContain('Installs');
    expect(human.stdout).toContain('scripts/extract.sh  executable');

    const versions = await box.run(['versions', 'skill/alice/pdf-tools', '--json']);
    expect(versions.json().items.map((v: { commitSha: string }) => v.commitSha)).toEqual(
      details.versions.map((v: { commitSha: string }) => v.commitSha),
    );
  });

  it('names an unknown reference and a malformed one, with exit codes 1 and 2', async () => {
    const unknown = await box.run(['show', 'skill/alice/no-such-skill']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no item skill/alice/no-such-skill');
    expect(unknown.stderr).toContain('atlas search');
    const malformed = await box.run(['show', 'pdf-tools']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('kind/namespace/name');
  });

  it('uses ATLAS_URL and ATLAS_TOKEN over the saved login', async () => {
    const run = await box.run(['whoami', '--json'], { env: { ATLAS_URL: server.url, ATLAS_TOKEN: bobToken } });
    expect(run.json()).toMatchObject({ user: { username: 'bob' }, tokenFrom: 'ATLAS_TOKEN' });
  });

  it('logs out: the token is revoked on the server and forgotten here', async () => {
    const saved = JSON.parse(readFileSync(join(box.xdg, 'atlas', 'config.json'), 'utf8'));
    const token = saved.servers[server.url].token as string;
    const logout = await box.run(['logout', '--json']);
    expect(logout.json()).toEqual({ url: server.url, loggedOut: true, revoked: true });
    await expect(api(server.url, token, 'GET', '/api/v1/me')).rejects.toThrow(/401/);
    const whoami = await box.run(['whoami']);
    expect(whoami.code).toBe(1);
    expect(whoami.stderr).toContain(`not logged in to ${server.url}`);
    expect(whoami.stderr).toContain('atlas login');
    const search = await box.run(['search', 'pdf']);
    expect(search.code).toBe(1);
    expect(search.stderr).toMatch(/not logged in/);
  });
});
