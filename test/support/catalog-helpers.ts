import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AtlasDeps } from '../../src/application/deps.ts';
import { ITEM_STATUSES } from '../../src/domain/catalog/catalog-item.ts';
import { snapshot } from './http.ts';

/** A SKILL.md with the given frontmatter lines after `name` and `description`. */
export function skillMd(name: string, description = `The ${name} skill.`, extra = ''): string {
  return `---\nname: ${name}\ndescription: ${description}\n${extra}---\n# ${name}\n\nSteps.\n`;
}

/** A file as the JSON publish API takes it, as text. */
export function textFile(path: string, content: string, executable?: boolean) {
  return { path, content, ...(executable === undefined ? {} : { executable }) };
}

/** A file as the JSON publish API takes it, base64-encoded. */
export function binaryFile(path: string, bytes: Uint8Array, executable?: boolean) {
  return { path, content: Buffer.from(bytes).toString('base64'), encoding: 'base64' as const, executable };
}

/**
 * Everything a refused write must leave as it was: the content branch head, every item row (all statuses)
 * with its recorded versions, and the accounts snapshot (which counts audit entries).
 */
export async function catalogState(deps: AtlasDeps) {
  const items = [];
  for (const status of ITEM_STATUSES) {
    const page = await deps.db.items.search({ status, sort: 'name', limit: 100, viewer: { kind: 'admin' } });
    items.push(...page.items);
  }
  const rows = await Promise.all(
    items.map(async (item) => ({
      ref: `${item.kind}/${item.namespace}/${item.name}`,
      status: item.status,
      statusMessage: item.statusMessage,
      treeSha: item.treeSha,
      commitSha: item.commitSha,
      version: item.version,
      tags: [...item.tags],
      visibility: item.visibility,
      teamId: item.teamId,
      usageCount: item.usageCount,
      updatedAt: item.updatedAt.toISOString(),
      versions: (await deps.db.items.listVersions(item.id)).map((v) => `${v.commitSha}:${v.version}`),
    })),
  );
  rows.sort((a, b) => a.ref.localeCompare(b.ref));
  return { head: await deps.content.head(), items: rows, accounts: await snapshot(deps) };
}

export { flakyDatabase } from '../../src/testing/flaky-database.ts';

/** The tree SHA git itself computes for these files (the reference the catalog's ETag must equal). */
export function gitTreeSha(files: readonly { path: string; content: Uint8Array; executable: boolean }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-tree-'));
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'core.fileMode=true', ...args], { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    for (const file of files) {
      const path = join(dir, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
      chmodSync(path, file.executable ? 0o755 : 0o644);
    }
    git('add', '-A');
    return git('write-tree');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
