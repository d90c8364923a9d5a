import type { ItemKind } from '../../domain/catalog/item-kind.ts';
import { parseItemRef } from '../../domain/catalog/item-ref.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { ItemVersionPage } from '../http/schemas/items.ts';
import type { AtlasApi } from './atlas-api.ts';
import { CliError, UsageError } from './cli-error.ts';

export interface Reference {
  readonly kind: ItemKind;
  readonly namespace: string;
  readonly name: string;
  /** `kind/namespace/name`. */
  readonly ref: string;
}

/** Parses `kind/namespace/name`; anything else is a usage error with an example. */
export function parseReference(text: string): Reference {
  try {
    const ref = parseItemRef(text.trim());
    return {
      kind: ref.kind,
      namespace: ref.namespace,
      name: ref.name,
      ref: `${ref.kind}/${ref.namespace}/${ref.name}`,
    };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const why = error.problems.map((problem) => `${problem.path} ${problem.message}`).join('; ');
    throw new UsageError(
      `"${text}" is not an item reference (${why})`,
      'a reference is kind/namespace/name, e.g. skill/platform/pdf-tools; find one with "atlas search <words>"',
    );
  }
}

export const NOT_FOUND_HINT = 'find the exact reference with "atlas search <words>"';

/** A version as the item's history lists it: its commit and the tree of the item's folder there. */
export interface ResolvedVersion {
  readonly commitSha: string;
  readonly treeSha: string;
}

/**
 * The commit and tree of a version given as a full SHA, a SHA prefix (4+ hex digits) or a manifest version
 * (`1.2.0`), looked up in the item's history (a full SHA too, so that its tree is known and a download can be
 * checked against it).
 */
export async function resolveVersion(api: AtlasApi, ref: string, version: string): Promise<ResolvedVersion> {
  const full = /^[0-9a-f]{40}$/.test(version);
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const { items, nextCursor } = await api.get<ItemVersionPage>(`/api/v1/items/${ref}/versions`, {
      query: { limit: 100, cursor },
      hints: { 404: NOT_FOUND_HINT },
    });
    const match = items.find((item) =>
      full
        ? item.commitSha === version
        : item.version === version || (/^[0-9a-f]{4,39}$/.test(version) && item.commitSha.startsWith(version)),
    );
    if (match) {
      const { commitSha, treeSha } = match;
      if (!/^[0-9a-f]{40}$/.test(commitSha) || typeof treeSha !== 'string' || !/^[0-9a-f]{40}$/.test(treeSha)) {
        throw new CliError(`the server listed version "${version}" of ${ref} without a valid commit and tree SHA`, {
          code: 'bad_answer',
        });
      }
      return { commitSha, treeSha };
    }
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  throw new CliError(`${ref} has no version "${version}"`, {
    code: 'not_found',
    hint: `list its versions with "atlas versions ${ref}"`,
  });
}
