import { readFileSync } from 'node:fs';
import type { ServerSchemaVersion } from '../server-json.ts';

/**
 * One server.json per schema version, each using every part that version defines: an npm package over stdio and
 * one over streamable-http at `http://localhost:{--port}/mcp`, pypi, oci (with a version and registryBaseUrl before
 * 2025-10-11, the tag in the image reference since), mcpb with fileSha256, nuget, cargo, remotes with headers (and
 * variables since 2025-12-11), and the fields the version added or renamed. `2025-07-09-first-draft` is the first
 * draft of 2025-07-09 with its own field names.
 */
export type ServerJsonFixture = ServerSchemaVersion | '2025-07-09-first-draft';

export const SERVER_JSON_FIXTURES: readonly ServerJsonFixture[] = [
  '2025-07-09-first-draft',
  '2025-07-09',
  '2025-09-16',
  '2025-09-29',
  '2025-10-11',
  '2025-10-17',
  '2025-12-11',
  'draft',
];

export function readServerJsonFixture(name: ServerJsonFixture): Uint8Array {
  return readFileSync(new URL(`fixtures/server-json/${name}.json`, import.meta.url));
}

/** A fixture as an object, to change before encoding it again with `encodeServerJson`. */
export function serverJsonFixture(name: ServerJsonFixture): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(readServerJsonFixture(name))) as Record<string, unknown>;
}

export function encodeServerJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2));
}
