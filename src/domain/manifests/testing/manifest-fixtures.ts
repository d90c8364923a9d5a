import { readFileSync } from 'node:fs';

/** Realistic manifests for tests, laid out like the content repository (without the namespace level). */
export const MANIFEST_FIXTURES = {
  pdfSkill: 'skills/pdf-tools/SKILL.md',
  claudeCodeSkill: 'skills/release-notes/SKILL.md',
  githubServer: 'mcp/github/server.json',
  filesystemServer: 'mcp/filesystem/server.json',
  weatherServer: 'mcp/weather/server.json',
  nugetServer: 'mcp/sample-dotnet/server.json',
  mcpbServer: 'mcp/text-editor/server.json',
  httpTool: 'tools/get-weather/tool.json',
  mcpTool: 'tools/search-issues/tool.json',
  commandTool: 'tools/convert-image/tool.json',
} as const;

export type ManifestFixture = keyof typeof MANIFEST_FIXTURES;

/** The bytes of a fixture manifest. */
export function readManifestFixture(name: ManifestFixture): Uint8Array {
  return readFileSync(new URL(`fixtures/${MANIFEST_FIXTURES[name]}`, import.meta.url));
}

/** The folder name of a fixture: the item name its manifest must match. */
export function fixtureFolderName(name: ManifestFixture): string {
  return MANIFEST_FIXTURES[name].split('/')[1]!;
}
