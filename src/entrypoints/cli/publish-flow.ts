import type { ItemBundle } from '../../domain/catalog/prepare-bundle.ts';
import type { Problem } from '../../domain/errors.ts';
import type { Item, ItemDetails, PatchBody, PublishBody, Published, UpdateBody } from '../http/schemas/items.ts';
import { ApiError, type AtlasApi } from './atlas-api.ts';
import { CliError } from './cli-error.ts';
import type { CommandContext } from './command.ts';

export interface PublishRequest {
  readonly namespace: string;
  readonly bundle: ItemBundle;
  readonly tags?: readonly string[];
  readonly visibility?: PublishBody['visibility'];
  readonly message?: string;
  /** Publish a new version of an item that exists (read its ETag, PUT with If-Match). */
  readonly update: boolean;
  /** The command that would publish with `--update`, for the message when the item exists. */
  readonly retryWithUpdate: string;
}

export interface PublishResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly ref: string;
  readonly treeSha: string;
  readonly commitSha: string;
  readonly warnings: Problem[];
  readonly item: Item;
}

export const refOfBundle = (namespace: string, bundle: Pick<ItemBundle, 'kind' | 'name'>) =>
  `${bundle.kind}/${namespace.toLowerCase()}/${bundle.name}`;

const filesBody = (bundle: ItemBundle) =>
  bundle.files.map((file) => ({
    path: file.path,
    content: Buffer.from(file.content).toString('base64'),
    encoding: 'base64' as const,
    executable: file.executable,
  }));

/** The item as the server has it, or undefined when there is none (or it was deleted, which a publish revives). */
export async function findItem(
  api: AtlasApi,
  ref: string,
): Promise<{ details: ItemDetails; etag: string } | undefined> {
  try {
    const { data, response } = await api.json<ItemDetails>('GET', `/api/v1/items/${ref}`);
    if (data.item.status === 'deleted') return undefined;
    return { details: data, etag: response.headers.get('etag') ?? `"${data.item.treeSha}"` };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * Publishes a validated bundle. A new item is POSTed; with `update`, an existing one gets a new version by PUT with
 * If-Match (its ETag as just read), so a change someone made meanwhile is never overwritten (412, explained).
 * Without `update`, an existing item with other content is refused with the command that would update it.
 */
export async function publishBundle(api: AtlasApi, request: PublishRequest): Promise<PublishResult> {
  const { bundle, namespace } = request;
  const ref = refOfBundle(namespace, bundle);
  if (request.update) {
    const existing = await findItem(api, ref);
    if (existing) return updateItem(api, ref, existing.etag, request);
  }
  try {
    const { data, response } = await api.json<Published>('POST', '/api/v1/items', {
      json: {
        namespace,
        ...(bundle.kind === 'mcp' ? { name: bundle.name } : {}),
        files: filesBody(bundle),
        ...(request.tags && request.tags.length > 0 ? { tags: [...request.tags] } : {}),
        ...(request.visibility ? { visibility: request.visibility } : {}),
        ...(request.message ? { message: request.message } : {}),
      } satisfies PublishBody,
    });
    return resultOf(response.status === 201 ? 'created' : 'unchanged', data);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    const existing = await findItem(api, ref);
    if (!existing) throw error;
    if (request.update) return updateItem(api, ref, existing.etag, request);
    throw new CliError(`${ref} already exists with other content`, {
      code: 'exists',
      hint: `to publish this as its new version, run: ${request.retryWithUpdate}`,
    });
  }
}

async function updateItem(api: AtlasApi, ref: string, etag: string, request: PublishRequest): Promise<PublishResult> {
  let result: Published;
  try {
    result = (
      await api.json<Published>('PUT', `/api/v1/items/${ref}`, {
        headers: { 'if-match': etag },
        json: {
          files: filesBody(request.bundle),
          ...(request.message ? { message: request.message } : {}),
        } satisfies UpdateBody,
      })
    ).data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 412) {
      throw new CliError(`${ref} changed on the server while you were publishing (${error.detail})`, {
        code: 'stale_revision',
        hint: 'look at the new version with "atlas show", then run the command again',
      });
    }
    throw error;
  }
  if (!result.unchanged && ((request.tags && request.tags.length > 0) || request.visibility)) {
    await api.json('PATCH', `/api/v1/items/${ref}`, {
      json: {
        ...(request.tags && request.tags.length > 0 ? { tags: [...request.tags] } : {}),
        ...(request.visibility ? { visibility: request.visibility } : {}),
      } satisfies PatchBody,
    });
  }
  return resultOf(result.unchanged ? 'unchanged' : 'updated', result);
}

function resultOf(action: PublishResult['action'], data: Published): PublishResult {
  return {
    action,
    ref: data.item.ref,
    treeSha: data.treeSha,
    commitSha: data.commitSha,
    warnings: data.warnings,
    item: data.item,
  };
}

/** The namespace to publish into: `--namespace`, else the signed-in user's own. */
export async function namespaceFor(context: CommandContext, given: string | undefined): Promise<string> {
  if (given) return given.toLowerCase();
  const session = await context.session();
  if (session.username) return session.username;
  if (!session.token) {
    throw new CliError(`not logged in to ${session.url}, so there is no namespace to publish into`, {
      code: 'not_logged_in',
      hint: 'log in with "atlas login", or name one with --namespace',
    });
  }
  const api = await context.api();
  const me = await api.get<{ user: { username: string } }>('/api/v1/me');
  return me.user.username;
}
