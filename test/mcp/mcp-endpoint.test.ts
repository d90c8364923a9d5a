/**
 * The MCP endpoint end to end: the SDK's own client over Streamable HTTP against a listening Atlas, on every
 * database. It initialises, lists and calls every tool, lists and gets skills with the Skills extension, reads
 * every file of a skill and checks it against the digest and size the entry lists, reads directories, and
 * checks that a team-only skill is invisible to an outsider everywhere, that an anonymous caller gets a 401
 * challenge without public read and only organisation-wide items with it, and that bad input is refused the
 * way the specification says.
 */

import { createHash } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { assembleDeps } from '../../src/composition-root.ts';
import type { Database } from '../../src/domain/repositories.ts';
import { type AtlasApp, buildApp } from '../../src/entrypoints/http/app.ts';
import { CHEAP_ARGON2 } from '../../src/testing/in-memory-deps.ts';
import { binaryFile, skillMd, textFile } from '../support/catalog-helpers.ts';
import { describeEachDatabase } from '../support/each-database.ts';
import { client as httpClient, register } from '../support/http.ts';
import { SwappableContentStore } from '../support/swappable-content-store.ts';

const SKILLS_EXTENSION = 'io.modelcontextprotocol/skills';

const PDF_SKILL = skillMd(
  'pdf-tools',
  'Extract text and tables from PDF files, page by page, into CSV or Markdown.',
  'license: MIT\nmetadata:\n  version: "1.2.0"\n  pages: 40\n',
);
const TABLES_REFERENCE = '# Tables\n\nUse `extract.py --tables` and check the header row. Ünïcödé ✓\n';
const SCRIPT = '#!/usr/bin/env python3\nprint("extract")\n';
/** A PNG header, NUL bytes and bytes that are not UTF-8. */
const LOGO = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x7f]);
const SECRET_DEFAULT = 'sk-live-default-never-shown';
const LONG_DESCRIPTION = `Summarise long meeting notes. ${'Keeps decisions, owners and dates. '.repeat(25)}`.trim();

const vaultServer = {
  name: 'io.github.acme/vault',
  description: 'Reads secrets from the vault.',
  version: '1.0.0',
  packages: [
    {
      registryType: 'npm',
      identifier: '@acme/vault-mcp',
      version: '1.0.0',
      transport: { type: 'stdio' },
      environmentVariables: [
        {
          name: 'VAULT_TOKEN',
          description: 'A vault token',
          isRequired: true,
          isSecret: true,
          default: SECRET_DEFAULT,
        },
      ],
    },
  ],
};

const SkillResource = z.object({ uri: z.string(), digest: z.string(), size: z.number() });
const SkillEntry = z.object({
  uri: z.string(),
  frontmatter: z.looseObject({ name: z.string(), description: z.string() }),
  resources: z.array(SkillResource),
});
const SkillsListResult = z.looseObject({
  resultType: z.literal('complete'),
  skills: z.array(SkillEntry),
  nextCursor: z.string().optional(),
  ttlMs: z.number().int().min(0),
  cacheScope: z.enum(['public', 'private']),
});
const SkillsGetResult = z.looseObject({
  resultType: z.literal('complete'),
  skill: SkillEntry,
  ttlMs: z.number().int().min(0),
  cacheScope: z.enum(['public', 'private']),
});
const DirectoryResult = z.looseObject({
  resultType: z.literal('complete'),
  resources: z.array(
    z.looseObject({ uri: z.string(), name: z.string(), mimeType: z.string().optional(), size: z.number().optional() }),
  ),
  nextCursor: z.string().optional(),
});

type Entry = z.infer<typeof SkillEntry>;

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface Listening {
  app: AtlasApp;
  url: string;
}

async function listen(deps: AtlasDeps): Promise<Listening> {
  const app = await buildApp(deps, { rateLimits: { perAddress: 100_000, perAccount: 100_000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}/mcp` };
}

/** The SDK's client, connected (initialised) to the endpoint, with a bearer token when given. */
async function connect(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'atlas-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
  await client.connect(transport);
  return client;
}

/** A JSON-RPC call with plain fetch, to see the HTTP answer itself. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
};

// biome-ignore lint/suspicious/noExplicitAny: tool results are read freely in assertions.
type Structured = any;

async function callTool(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { ...result, structured: result.structuredContent as Structured, text: textOf(result) };
}

function textOf(result: CallToolResult): string {
  const blocks = result.content as { type: string; text?: string }[];
  return blocks
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('\n');
}

async function expectMcpError(promise: Promise<unknown>, code: number, message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  expect((error as McpError).code).toBe(code);
  if (message) expect((error as McpError).message).toMatch(message);
}

/** Reads a resource and returns its bytes, whichever form (text or blob) it came in. */
async function readBytes(client: Client, uri: string): Promise<{ bytes: Uint8Array; mimeType?: string }> {
  const { contents } = await client.readResource({ uri });
  expect(contents).toHaveLength(1);
  const [content] = contents as [{ uri: string; mimeType?: string; text?: string; blob?: string }];
  expect(content.uri).toBe(uri);
  const bytes =
    content.text !== undefined
      ? new TextEncoder().encode(content.text)
      : new Uint8Array(Buffer.from(content.blob ?? '', 'base64'));
  return { bytes, mimeType: content.mimeType };
}

/** Every page of skills/list, checking the fields every page carries. */
async function listAll(client: Client): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.request({ method: 'skills/list', params: cursor ? { cursor } : {} }, SkillsListResult);
    expect(page).toMatchObject({ resultType: 'complete', cacheScope: 'private' });
    expect(page.ttlMs).toBeGreaterThan(0);
    entries.push(...page.skills);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

describeEachDatabase('the MCP endpoint', (open: () => Promise<Database>) => {
  const content = new SwappableContentStore();
  let deps: AtlasDeps;
  let server: Listening;
  let publicServer: Listening;
  let tokens: { admin: string; alice: string; bob: string };
  const clients: Client[] = [];

  const as = async (token?: string, url = server.url) => {
    const client = await connect(url, token);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const db = await open();
    const settings = { authz: 'rbac', registration: 'open' } as const;
    deps = assembleDeps(db, content, { ...settings, publicRead: false }, { argon2: CHEAP_ARGON2 });
    server = await listen(deps);
    publicServer = await listen(assembleDeps(db, content, { ...settings, publicRead: true }, { argon2: CHEAP_ARGON2 }));
  });
  afterAll(async () => {
    await server.app.close();
    await publicServer.app.close();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  // ada is the site admin; alice owns team platform; bob belongs to no team.
  beforeEach(async () => {
    await open();
    content.reset();
    const api = httpClient(server.app);
    tokens = {
      admin: await register(server.app, 'ada'),
      alice: await register(server.app, 'alice'),
      bob: await register(server.app, 'bob'),
    };
    expect((await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' }, tokens.alice)).status).toBe(201);
    const publish = async (body: Record<string, unknown>) => {
      const res = await api.post('/api/v1/items', body, tokens.alice);
      expect(res.status, res.raw).toBe(201);
    };
    await publish({
      namespace: 'platform',
      tags: ['pdf', 'documents'],
      files: [
        textFile('SKILL.md', PDF_SKILL),
        textFile('references/tables.md', TABLES_REFERENCE),
        textFile('scripts/extract.py', SCRIPT, true),
        binaryFile('assets/logo.png', LOGO),
      ],
    });
    await publish({
      namespace: 'platform',
      visibility: 'team',
      tags: ['pdf'],
      files: [textFile('SKILL.md', skillMd('pdf-secrets', 'Extract tables from PDF files that hold secrets.'))],
    });
    await publish({ namespace: 'platform', files: [textFile('server.json', JSON.stringify(vaultServer))] });
    await publish({ namespace: 'alice', files: [textFile('SKILL.md', skillMd('meeting-notes', LONG_DESCRIPTION))] });
  });

  const PDF_URI = 'skill://platform/pdf-tools/SKILL.md';
  const SECRET_URI = 'skill://platform/pdf-secrets/SKILL.md';

  describe('handshake and tools', () => {
    it('declares tools, resources and the Skills extension with directoryRead, and tells the model how to use them', async () => {
      const client = await as(tokens.bob);
      const capabilities = client.getServerCapabilities();
      expect(capabilities?.tools).toBeDefined();
      expect(capabilities?.resources).toBeDefined();
      expect(capabilities?.extensions).toEqual({ [SKILLS_EXTENSION]: { directoryRead: true } });
      expect(client.getServerVersion()?.name).toBe('atlas');
      const instructions = client.getInstructions() ?? '';
      expect(instructions).toMatch(/search_catalog/);
      expect(instructions).toMatch(/lazily/i);
    });

    it('lists four tools, each with a closed input schema with limits and an output schema', async () => {
      const { tools } = await (await as(tokens.bob)).listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([
        'get_install_config',
        'get_item',
        'read_skill_file',
        'search_catalog',
      ]);
      for (const tool of tools) {
        expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
        expect(tool.outputSchema).toMatchObject({ type: 'object' });
        expect(tool.description?.length).toBeGreaterThan(20);
        expect(JSON.stringify(tool)).not.toContain('$ref');
      }
      const search = tools.find((t) => t.name === 'search_catalog');
      expect(search?.inputSchema.properties?.query).toMatchObject({ maxLength: 200 });
      expect(search?.inputSchema.properties?.limit).toMatchObject({ maximum: 50 });
    });

    it('search_catalog ranks as the HTTP search does, with short results and skill URIs', async () => {
      const client = await as(tokens.bob);
      const query = 'extract tables from a PDF';
      const found = await callTool(client, 'search_catalog', { query });
      expect(found.isError).toBeFalsy();
      const http = await httpClient(server.app).get(`/api/v1/items?q=${encodeURIComponent(query)}`, tokens.bob);
      expect(found.structured.results.map((r: { ref: string }) => r.ref)).toEqual(
        http.body.items.map((i: { ref: string }) => i.ref),
      );
      expect(found.structured.results[0]).toEqual({
        ref: 'skill/platform/pdf-tools',
        kind: 'skill',
        title: null,
        description: 'Extract text and tables from PDF files, page by page, into CSV or Markdown.',
        version: '1.2.0',
        team: 'platform',
        installs: 0,
        status: 'active',
        uri: PDF_URI,
      });
      expect(found.text).toContain('skill/platform/pdf-tools');
      expect(found.text).toContain(PDF_URI);
    });

    it('search_catalog cuts descriptions to 300 characters and filters by kinds, team and tags', async () => {
      const client = await as(tokens.alice);
      const notes = await callTool(client, 'search_catalog', { query: 'meeting notes' });
      const [first] = notes.structured.results;
      expect(first.ref).toBe('skill/alice/meeting-notes');
      expect(Array.from(first.description as string)).toHaveLength(300);
      expect(first.description.endsWith('…')).toBe(true);

      const servers = await callTool(client, 'search_catalog', { query: 'vault', kinds: ['mcp'] });
      expect(servers.structured.results.map((r: { ref: string }) => r.ref)).toEqual(['mcp/platform/vault']);
      expect(servers.structured.results[0].uri).toBeUndefined();
      const two = await callTool(client, 'search_catalog', { query: 'pdf vault', kinds: ['mcp', 'tool'] });
      expect(two.structured.results.every((r: { kind: string }) => r.kind !== 'skill')).toBe(true);
      const tagged = await callTool(client, 'search_catalog', { query: 'pdf', tags: ['pdf', 'documents'] });
      expect(tagged.structured.results.map((r: { ref: string }) => r.ref)).toEqual(['skill/platform/pdf-tools']);
      const team = await callTool(client, 'search_catalog', { query: 'notes', team: 'platform' });
      expect(team.structured.results).toEqual([]);
    });

    it('search_catalog pages with the cursor it hands out', async () => {
      const client = await as(tokens.alice);
      const first = await callTool(client, 'search_catalog', { query: 'pdf', limit: 1 });
      expect(first.structured.results).toHaveLength(1);
      expect(first.structured.nextCursor).toEqual(expect.any(String));
      const second = await callTool(client, 'search_catalog', {
        query: 'pdf',
        limit: 1,
        cursor: first.structured.nextCursor,
      });
      expect(second.structured.results).toHaveLength(1);
      expect(second.structured.results[0].ref).not.toBe(first.structured.results[0].ref);
    });

    it('get_item gives metadata, versions, the manifest and a skill file manifest with sizes and digests', async () => {
      const client = await as(tokens.bob);
      const { structured, text, isError } = await callTool(client, 'get_item', { ref: 'skill/platform/pdf-tools' });
      expect(isError).toBeFalsy();
      expect(structured.item).toMatchObject({ ref: 'skill/platform/pdf-tools', version: '1.2.0', visibility: 'org' });
      expect(structured).toMatchObject({ owner: 'alice', team: 'platform' });
      expect(structured.versions).toHaveLength(1);
      expect(structured.versions[0].commitSha).toBe(structured.item.commitSha);
      expect(structured.manifest).toMatchObject({ name: 'pdf-tools', license: 'MIT' });
      expect(structured.skill).toEqual({ uri: PDF_URI, servable: true, fileCount: 4, totalBytes: expect.any(Number) });
      const published: Record<string, Uint8Array> = {
        'SKILL.md': new TextEncoder().encode(PDF_SKILL),
        'assets/logo.png': LOGO,
        'references/tables.md': new TextEncoder().encode(TABLES_REFERENCE),
        'scripts/extract.py': new TextEncoder().encode(SCRIPT),
      };
      expect(structured.files).toEqual(
        Object.entries(published).map(([path, bytes]) => ({
          path,
          executable: path === 'scripts/extract.py',
          uri: `skill://platform/pdf-tools/${path}`,
          size: bytes.length,
          digest: sha256(bytes),
        })),
      );
      expect(text).toContain('scripts/extract.py');

      const vault = await callTool(client, 'get_item', { ref: 'mcp/platform/vault', include: ['manifest'] });
      expect(vault.structured.manifest).toMatchObject({ name: 'io.github.acme/vault', version: '1.0.0' });
      expect(vault.structured.versions).toBeUndefined();
      expect(vault.structured.skill).toBeUndefined();
    });

    it('read_skill_file reads SKILL.md by default, a listed file in pieces, and links a binary file', async () => {
      const client = await as(tokens.bob);
      const skill = await callTool(client, 'read_skill_file', { ref: 'skill/platform/pdf-tools' });
      expect(skill.structured).toMatchObject({ path: 'SKILL.md', uri: PDF_URI, mimeType: 'text/markdown' });
      expect(skill.structured.text).toBe(PDF_SKILL);
      expect(skill.structured.digest).toBe(sha256(new TextEncoder().encode(PDF_SKILL)));

      // Pieces that never split a character, and put back together make the file.
      let offset = 0;
      let text = '';
      for (let round = 0; round < 100; round++) {
        const piece = await callTool(client, 'read_skill_file', {
          ref: 'skill/platform/pdf-tools',
          path: 'references/tables.md',
          offset,
          maxBytes: 7,
        });
        expect(piece.isError).toBeFalsy();
        text += piece.structured.text;
        if (piece.structured.nextOffset === undefined) break;
        expect(piece.text).toContain(`offset ${piece.structured.nextOffset}`);
        offset = piece.structured.nextOffset;
      }
      expect(text).toBe(TABLES_REFERENCE);

      const logo = await callTool(client, 'read_skill_file', {
        ref: 'skill/platform/pdf-tools',
        path: 'assets/logo.png',
      });
      expect(logo.structured).toMatchObject({ binary: true, size: LOGO.length, digest: sha256(LOGO) });
      expect(logo.structured.text).toBeUndefined();
      expect(logo.content).toContainEqual(
        expect.objectContaining({ type: 'resource_link', uri: 'skill://platform/pdf-tools/assets/logo.png' }),
      );

      for (const path of ['nothing.md', 'scripts', '../pdf-secrets/SKILL.md']) {
        const refused = await callTool(client, 'read_skill_file', { ref: 'skill/platform/pdf-tools', path });
        expect(refused.isError, path).toBe(true);
      }
      const notASkill = await callTool(client, 'read_skill_file', { ref: 'mcp/platform/vault', path: 'server.json' });
      expect(notASkill.isError).toBe(true);
      expect(notASkill.text).toMatch(/not a skill/);
    });

    it('get_install_config renders what the install API renders: a config with placeholders, never a secret, and counts nothing', async () => {
      const client = await as(tokens.bob);
      const vault = await callTool(client, 'get_install_config', { ref: 'mcp/platform/vault', client: 'claude-code' });
      expect(vault.isError, vault.text).toBeFalsy();
      expect(vault.structured).toMatchObject({
        ref: 'mcp/platform/vault',
        client: 'claude-code',
        scope: 'user',
        usageCount: 0,
        install: { kind: 'mcp', config: { serverKey: 'vault', secrets: ['VAULT_TOKEN'] } },
      });
      const again = await callTool(client, 'get_install_config', { ref: 'mcp/platform/vault', client: 'cursor' });
      expect(again.structured.usageCount).toBe(0);
      const api = httpClient(server.app);
      expect((await api.get('/api/v1/items/mcp/platform/vault', tokens.bob)).body.item.usageCount).toBe(0);
      const http = await api.post('/api/v1/items/mcp/platform/vault/installs', { client: 'claude-code' }, tokens.bob);
      expect(vault.structured.install).toEqual(http.body.install);
      expect(http.body.usageCount).toBe(1);
      const counted = await callTool(client, 'get_install_config', {
        ref: 'mcp/platform/vault',
        client: 'claude-code',
      });
      expect(counted.structured.usageCount).toBe(1);
      expect(JSON.stringify(vault)).not.toContain(SECRET_DEFAULT);
      expect(vault.text).toContain('VAULT_TOKEN');

      const skill = await callTool(client, 'get_install_config', {
        ref: 'skill/platform/pdf-tools',
        client: 'claude-code',
        scope: 'project',
      });
      expect(skill.structured).toMatchObject({ scope: 'project', install: { kind: 'skill' } });
      expect(skill.structured.location).toMatch(/pdf-tools/);
      expect(skill.structured.archiveUrl).toBe(
        `${new URL(server.url).origin}/api/v1/items/skill/platform/pdf-tools/archive`,
      );
    });

    it('answers an unknown tool with -32602, and arguments its schema refuses with a tool error naming them', async () => {
      const client = await as(tokens.bob);
      await expectMcpError(client.callTool({ name: 'delete_everything', arguments: {} }), ErrorCode.InvalidParams);
      const cases: [string, Record<string, unknown>, RegExp][] = [
        ['search_catalog', { query: 'pdf', extra: true }, /extra is not a known argument/],
        ['search_catalog', {}, /query is required/],
        ['search_catalog', { query: 'pdf', limit: 500 }, /limit/],
        ['search_catalog', { query: 'x'.repeat(201) }, /query/],
        ['search_catalog', { query: 'pdf\u0000' }, /NUL/],
        ['search_catalog', { query: 'pdf', kinds: ['agent'] }, /kinds/],
        ['search_catalog', { query: 'pdf', cursor: 'not-a-cursor' }, /cursor/],
        ['get_item', { ref: 'skill/platform' }, /ref/],
        ['get_item', { ref: 'widget/platform/pdf-tools' }, /kind/],
        ['read_skill_file', { ref: 'skill/platform/pdf-tools', maxBytes: 0 }, /maxBytes/],
        ['get_install_config', { ref: 'mcp/platform/vault', client: 'notepad' }, /client/],
      ];
      for (const [name, args, message] of cases) {
        const result = await callTool(client, name, args);
        expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
        expect(result.text).toMatch(message);
      }
    });
  });

  describe('the Skills extension', () => {
    it('skills/list lists the visible skills with verbatim frontmatter and a complete file manifest', async () => {
      const entries = await listAll(await as(tokens.bob));
      expect(entries.map((e) => e.uri).sort()).toEqual(['skill://alice/meeting-notes/SKILL.md', PDF_URI]);
      const pdf = entries.find((e) => e.uri === PDF_URI)!;
      // Verbatim: the YAML number stays a number (the catalog stores metadata values as text).
      expect(pdf.frontmatter).toEqual({
        name: 'pdf-tools',
        description: 'Extract text and tables from PDF files, page by page, into CSV or Markdown.',
        license: 'MIT',
        metadata: { version: '1.2.0', pages: 40 },
      });
      expect(pdf.resources.map((r) => r.uri)).toEqual([
        PDF_URI,
        'skill://platform/pdf-tools/assets/logo.png',
        'skill://platform/pdf-tools/references/tables.md',
        'skill://platform/pdf-tools/scripts/extract.py',
      ]);
    });

    it('pages through skills/list with the cursor it hands out, each skill on one page only', async () => {
      const api = httpClient(server.app);
      for (let i = 0; i < 21; i++) {
        const name = `skill-${String(i).padStart(2, '0')}`;
        const res = await api.post(
          '/api/v1/items',
          { namespace: 'alice', files: [textFile('SKILL.md', skillMd(name))] },
          tokens.alice,
        );
        expect(res.status, res.raw).toBe(201);
      }
      const client = await as(tokens.bob);
      const first = await client.request({ method: 'skills/list', params: {} }, SkillsListResult);
      expect(first.nextCursor).toEqual(expect.any(String));
      const all = await listAll(client);
      expect(all).toHaveLength(23);
      expect(new Set(all.map((e) => e.uri)).size).toBe(23);
      await expectMcpError(
        client.request({ method: 'skills/list', params: { cursor: 'not-a-cursor' } }, SkillsListResult),
        ErrorCode.InvalidParams,
      );
    });

    it('serves every listed file with resources/read, its bytes matching the digest and size of the entry', async () => {
      const client = await as(tokens.bob);
      const { skill } = await client.request({ method: 'skills/get', params: { uri: PDF_URI } }, SkillsGetResult);
      expect(skill).toEqual((await listAll(client)).find((e) => e.uri === PDF_URI));
      for (const resource of skill.resources) {
        const { bytes } = await readBytes(client, resource.uri);
        expect(bytes.length, resource.uri).toBe(resource.size);
        expect(sha256(bytes), resource.uri).toBe(resource.digest);
      }
      const skillMdFile = await client.readResource({ uri: PDF_URI });
      expect(skillMdFile.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: PDF_SKILL });
      const logo = await client.readResource({ uri: 'skill://platform/pdf-tools/assets/logo.png' });
      expect(logo.contents[0]).toMatchObject({ mimeType: 'image/png', blob: Buffer.from(LOGO).toString('base64') });
    });

    it('serves the commit the catalog records, not a change git holds that sync has not recorded', async () => {
      const client = await as(tokens.bob);
      const before = await client.request({ method: 'skills/get', params: { uri: PDF_URI } }, SkillsGetResult);
      const head = await deps.content.head();
      await deps.content.commit({
        changes: [
          {
            type: 'write',
            path: 'skills/platform/pdf-tools/SKILL.md',
            content: new TextEncoder().encode('---\nname: pdf-tools\ndescription: changed by hand\n---\n'),
          },
        ],
        message: 'by hand',
        author: { name: 'someone', email: 'someone@example.com' },
        expectedHead: head,
      });
      const after = await client.request({ method: 'skills/get', params: { uri: PDF_URI } }, SkillsGetResult);
      expect(after.skill).toEqual(before.skill);
      const { bytes } = await readBytes(client, PDF_URI);
      expect(sha256(bytes)).toBe(before.skill.resources[0]?.digest);
    });

    it('skills/get answers -32602 for an unknown skill, a URI that is not a SKILL.md, and anything that is not a skill URI', async () => {
      const client = await as(tokens.bob);
      for (const uri of [
        'skill://platform/missing/SKILL.md',
        'skill://platform/pdf-tools/references/tables.md',
        'skill://platform/pdf-tools',
        'file:///etc/passwd',
        'skill://PLATFORM/pdf-tools/SKILL.md',
      ]) {
        await expectMcpError(
          client.request({ method: 'skills/get', params: { uri } }, SkillsGetResult),
          ErrorCode.InvalidParams,
        );
      }
      await expectMcpError(
        client.request({ method: 'skills/get', params: { uri: 42 } } as never, SkillsGetResult),
        ErrorCode.InvalidParams,
      );
      await expectMcpError(
        client.readResource({ uri: 'skill://platform/pdf-tools/nothing.md' }),
        ErrorCode.InvalidParams,
      );
      await expectMcpError(client.readResource({ uri: 'skill://platform/pdf-tools/scripts' }), ErrorCode.InvalidParams);
    });

    it('resources/directory/read lists direct children, subdirectories as inode/directory, and refuses a file', async () => {
      const client = await as(tokens.bob);
      const read = (uri: string, cursor?: string) =>
        client.request(
          { method: 'resources/directory/read', params: { uri, ...(cursor ? { cursor } : {}) } },
          DirectoryResult,
        );
      const root = await read('skill://platform/pdf-tools');
      expect(root.resources).toEqual([
        { uri: PDF_URI, name: 'SKILL.md', mimeType: 'text/markdown', size: new TextEncoder().encode(PDF_SKILL).length },
        { uri: 'skill://platform/pdf-tools/assets', name: 'assets', mimeType: 'inode/directory' },
        { uri: 'skill://platform/pdf-tools/references', name: 'references', mimeType: 'inode/directory' },
        { uri: 'skill://platform/pdf-tools/scripts', name: 'scripts', mimeType: 'inode/directory' },
      ]);
      const scripts = await read('skill://platform/pdf-tools/scripts');
      expect(scripts.resources.map((r) => r.uri)).toEqual(['skill://platform/pdf-tools/scripts/extract.py']);
      await expectMcpError(read(PDF_URI), ErrorCode.InvalidParams, /not a directory/);
      await expectMcpError(read('skill://platform/pdf-tools/nothing'), ErrorCode.InvalidParams);
      await expectMcpError(read('skill://platform/pdf-tools', 'bad-cursor'), ErrorCode.InvalidParams);
    });

    it('lists the skills as resources and a template for their files', async () => {
      const client = await as(tokens.bob);
      const { resources } = await client.listResources();
      expect(resources.map((r) => r.uri).sort()).toEqual(['skill://alice/meeting-notes/SKILL.md', PDF_URI]);
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates[0]?.uriTemplate).toBe('skill://{namespace}/{name}/{+path}');
    });

    it('does not serve a skill over the extension limits, and get_item says why', async () => {
      const files = [textFile('SKILL.md', skillMd('many-files', 'A skill with too many files.'))];
      for (let i = 0; i < 520; i++) files.push(textFile(`data/${String(i).padStart(3, '0')}.txt`, `${i}\n`));
      const res = await httpClient(server.app).post('/api/v1/items', { namespace: 'alice', files }, tokens.alice);
      expect(res.status, res.raw).toBe(201);
      const client = await as(tokens.alice);
      expect((await listAll(client)).map((e) => e.uri)).not.toContain('skill://alice/many-files/SKILL.md');
      await expectMcpError(
        client.request({ method: 'skills/get', params: { uri: 'skill://alice/many-files/SKILL.md' } }, SkillsGetResult),
        ErrorCode.InvalidParams,
        /521 files.*512/,
      );
      const item = await callTool(client, 'get_item', { ref: 'skill/alice/many-files', include: [] });
      expect(item.structured.skill).toMatchObject({ servable: false, fileCount: 521 });
      expect(item.structured.skill.reason).toMatch(/512/);
      // Its files stay readable one by one, and its folders listable page by page.
      const one = await callTool(client, 'read_skill_file', { ref: 'skill/alice/many-files', path: 'data/007.txt' });
      expect(one.structured.text).toBe('7\n');
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await client.request(
          {
            method: 'resources/directory/read',
            params: { uri: 'skill://alice/many-files/data', ...(cursor ? { cursor } : {}) },
          },
          DirectoryResult,
        );
        names.push(...page.resources.map((r) => r.name));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBeGreaterThan(1);
      expect(names).toHaveLength(520);
      expect(new Set(names).size).toBe(520);
    });
  });

  describe('who sees what', () => {
    it('hides a team-only skill from an outsider in every tool, list and resource, and shows it to the team', async () => {
      const outsider = await as(tokens.bob);
      const member = await as(tokens.alice);
      const search = async (client: Client) =>
        (await callTool(client, 'search_catalog', { query: 'extract tables from PDF files' })).structured.results.map(
          (r: { ref: string }) => r.ref,
        );
      expect(await search(member)).toContain('skill/platform/pdf-secrets');
      expect(await search(outsider)).not.toContain('skill/platform/pdf-secrets');

      const hidden = await callTool(outsider, 'get_item', { ref: 'skill/platform/pdf-secrets' });
      const missing = await callTool(outsider, 'get_item', { ref: 'skill/platform/no-such-skill' });
      expect(hidden.isError).toBe(true);
      expect(hidden.text.replace('pdf-secrets', 'no-such-skill')).toBe(missing.text);
      expect((await callTool(outsider, 'read_skill_file', { ref: 'skill/platform/pdf-secrets' })).isError).toBe(true);
      expect(
        (await callTool(outsider, 'get_install_config', { ref: 'skill/platform/pdf-secrets', client: 'cursor' }))
          .isError,
      ).toBe(true);
      expect((await callTool(member, 'get_item', { ref: 'skill/platform/pdf-secrets' })).isError).toBeFalsy();

      expect((await listAll(outsider)).map((e) => e.uri)).not.toContain(SECRET_URI);
      expect((await listAll(member)).map((e) => e.uri)).toContain(SECRET_URI);
      expect((await outsider.listResources()).resources.map((r) => r.uri)).not.toContain(SECRET_URI);
      await expectMcpError(
        outsider.request({ method: 'skills/get', params: { uri: SECRET_URI } }, SkillsGetResult),
        ErrorCode.InvalidParams,
        /No skill is served at skill:\/\/platform\/pdf-secrets\/SKILL\.md/,
      );
      await expectMcpError(outsider.readResource({ uri: SECRET_URI }), ErrorCode.InvalidParams);
      await expectMcpError(
        outsider.request(
          { method: 'resources/directory/read', params: { uri: 'skill://platform/pdf-secrets' } },
          DirectoryResult,
        ),
        ErrorCode.InvalidParams,
      );
      const got = await member.request({ method: 'skills/get', params: { uri: SECRET_URI } }, SkillsGetResult);
      expect(got.skill.uri).toBe(SECRET_URI);
      expect((await member.readResource({ uri: SECRET_URI })).contents).toHaveLength(1);
    });

    it('answers an anonymous caller 401 with a Bearer challenge when public read is off, and a bad token 401 too', async () => {
      const anonymous = await post(server.url, INITIALIZE);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const badToken = await post(server.url, INITIALIZE, { authorization: 'Bearer not-a-token' });
      expect(badToken.status).toBe(401);
      expect(badToken.headers.get('www-authenticate')).toMatch(/^Bearer /);
      await expect(connect(server.url)).rejects.toThrow();
      // With a token the same request is answered.
      const signedIn = await post(server.url, INITIALIZE, { authorization: `Bearer ${tokens.bob}` });
      expect(signedIn.status).toBe(200);
      expect(await signedIn.json()).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'atlas' } } });
    });

    it('shows an anonymous caller only organisation-wide items when public read is on', async () => {
      const client = await as(undefined, publicServer.url);
      const results = (await callTool(client, 'search_catalog', { query: 'pdf' })).structured.results.map(
        (r: { ref: string }) => r.ref,
      );
      expect(results).toContain('skill/platform/pdf-tools');
      expect(results).not.toContain('skill/platform/pdf-secrets');
      expect((await listAll(client)).map((e) => e.uri)).not.toContain(SECRET_URI);
      await expectMcpError(
        client.request({ method: 'skills/get', params: { uri: SECRET_URI } }, SkillsGetResult),
        ErrorCode.InvalidParams,
      );
      const { bytes } = await readBytes(client, PDF_URI);
      expect(new TextDecoder().decode(bytes)).toBe(PDF_SKILL);
    });
  });

  describe('HTTP', () => {
    it('answers GET and DELETE with 405 and Allow: POST', async () => {
      for (const method of ['GET', 'DELETE']) {
        const res = await fetch(server.url, {
          method,
          headers: { authorization: `Bearer ${tokens.bob}`, accept: 'text/event-stream' },
        });
        expect(res.status, method).toBe(405);
        expect(res.headers.get('allow')).toBe('POST');
      }
    });

    it('is stateless: no session id, and a request without initialising first is answered', async () => {
      const init = await post(server.url, INITIALIZE, { authorization: `Bearer ${tokens.bob}` });
      expect(init.headers.get('mcp-session-id')).toBeNull();
      const list = await post(
        server.url,
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        { authorization: `Bearer ${tokens.bob}`, 'mcp-protocol-version': '2025-11-25' },
      );
      expect(list.status).toBe(200);
      expect(((await list.json()) as { result: { tools: unknown[] } }).result.tools).toHaveLength(4);
    });

    it('answers malformed JSON with a JSON-RPC parse error and a wrong media type with 415', async () => {
      const auth = { authorization: `Bearer ${tokens.bob}` };
      const malformed = await post(server.url, '{"jsonrpc": "2.0",', auth);
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: { code: -32700 } });
      const wrongType = await fetch(server.url, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/plain', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(INITIALIZE),
      });
      expect(wrongType.status).toBe(415);
      const unknownMethod = await post(
        server.url,
        { jsonrpc: '2.0', id: 3, method: 'skills/delete', params: {} },
        { ...auth, 'mcp-protocol-version': '2025-11-25' },
      );
      expect(await unknownMethod.json()).toMatchObject({ error: { code: -32601 } });
    });
  });
});

describe('the MCP endpoint on a permissive laptop install', () => {
  it('serves anonymous callers everything, as the API does', async () => {
    const { InMemoryDatabase } = await import('../../src/adapters/memory/in-memory-database.ts');
    const deps = assembleDeps(
      new InMemoryDatabase(),
      new SwappableContentStore(),
      { authz: 'permissive', publicRead: false, registration: 'open' },
      { argon2: CHEAP_ARGON2 },
    );
    const listening = await listen(deps);
    try {
      const client = await connect(listening.url);
      const { results } = (await callTool(client, 'search_catalog', { query: 'anything' })).structured;
      expect(results).toEqual([]);
      await client.close();
    } finally {
      await listening.app.close();
    }
  });
});
