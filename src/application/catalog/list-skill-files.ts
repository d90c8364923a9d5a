import { createHash } from 'node:crypto';
import type { Actor } from '../../domain/accounts/actor.ts';
import { KIND_LAYOUT } from '../../domain/catalog/item-kind.ts';
import { formatItemRef, type ItemRef } from '../../domain/catalog/item-ref.ts';
import type { ItemSummary } from '../../domain/catalog/item-repository.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { AtlasDeps } from '../deps.ts';
import { findReadableItem } from './item-access.ts';

/** One file of a skill at a commit: what a client needs to verify the bytes it reads. */
export interface SkillFile {
  /** Relative to the skill folder, e.g. `scripts/extract.py`. */
  readonly path: string;
  /** Length of the file's bytes. */
  readonly size: number;
  /** SHA-256 of the file's bytes, 64 lowercase hex characters. */
  readonly sha256: string;
  readonly executable: boolean;
}

/** Every file of a skill at the commit its catalog row points at, with sizes and digests. */
export interface SkillFiles {
  readonly item: ItemSummary;
  readonly commitSha: string;
  readonly treeSha: string;
  /** Sorted by path. */
  readonly files: readonly SkillFile[];
  /** The sum of the files' sizes. */
  readonly totalBytes: number;
  /** The bytes of the skill's SKILL.md at that commit. */
  readonly skillMd: Uint8Array;
}

type Deps = Pick<AtlasDeps, 'db' | 'content' | 'authorizer'>;

/**
 * SHA-256 and size by git blob SHA. A blob SHA names its bytes, so an entry can never go stale: a skill listed
 * twice is read from git once. Bounded, oldest entries first out.
 */
const digestsByBlob = new Map<string, { size: number; sha256: string }>();
const MAX_MEMO_ENTRIES = 20_000;

function remember(blobSha: string, digest: { size: number; sha256: string }): void {
  if (digestsByBlob.size >= MAX_MEMO_ENTRIES) {
    const oldest = digestsByBlob.keys().next().value;
    if (oldest !== undefined) digestsByBlob.delete(oldest);
  }
  digestsByBlob.set(blobSha, digest);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The files of a skill the caller has already found readable, at the commit its row points at (never the
 * branch head: a change sync has not recorded is not the item yet). Files are read from git only when their
 * digests are not known yet.
 * @throws NotFoundError when the folder is missing at that commit (a row sync is about to repair).
 */
export async function skillFilesOf(deps: Pick<AtlasDeps, 'content'>, item: ItemSummary): Promise<SkillFiles> {
  const name = `${item.kind}/${item.namespace}/${item.name}`;
  const missing = () => new NotFoundError(`${name} has no files at ${item.commitSha}`);
  const listing = await deps.content.listItemFiles(item.gitPath, item.commitSha);
  if (!listing) throw missing();
  const manifestPath = KIND_LAYOUT.skill.manifest;
  let skillMd: Uint8Array | undefined;
  if (listing.files.some((file) => !digestsByBlob.has(file.blobSha))) {
    const snapshot = await deps.content.readItem(item.gitPath, item.commitSha);
    if (!snapshot) throw missing();
    const blobs = new Map(listing.files.map((file) => [file.path, file.blobSha]));
    for (const file of snapshot.files) {
      const blobSha = blobs.get(file.path);
      if (blobSha !== undefined) remember(blobSha, { size: file.content.length, sha256: sha256Hex(file.content) });
      if (file.path === manifestPath) skillMd = file.content;
    }
  }
  skillMd ??= await deps.content.readFile(`${item.gitPath}/${manifestPath}`, item.commitSha);
  if (!skillMd) throw new NotFoundError(`${name} has no ${manifestPath}`);
  const files = listing.files.map((file): SkillFile => {
    const digest = digestsByBlob.get(file.blobSha);
    // Read above when it was missing; only an eviction between the two lines could lose it.
    if (!digest) throw new Error(`no digest for ${file.path}`);
    return { path: file.path, size: digest.size, sha256: digest.sha256, executable: file.executable };
  });
  return {
    item,
    commitSha: listing.commitSha,
    treeSha: listing.treeSha,
    files,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    skillMd,
  };
}

/**
 * A skill's files with the size and SHA-256 of each, at the commit the catalog records for it.
 * - the actor must be able to read the item (NotFoundError otherwise, exactly like a missing one);
 * - only skills have such a manifest: another kind is a ValidationError at `ref`.
 */
export async function listSkillFiles(deps: Deps, input: { ref: ItemRef }, actor: Actor): Promise<SkillFiles> {
  if (input.ref.kind !== 'skill') {
    throw new ValidationError({ path: 'ref', message: `${formatItemRef(input.ref)} is not a skill` });
  }
  const item = await findReadableItem(deps, input.ref, actor);
  return skillFilesOf(deps, item);
}
