import { createHash } from 'node:crypto';
import { deflateSized } from '../zlib-sized.ts';

// Git's "smart" HTTP protocol (version 0/1, stateless RPC), the server side of a fetch of one branch: what
// `git clone --depth 1` and every git client need, since the "dumb" protocol cannot answer a shallow clone.
// See gitprotocol-http(5), gitprotocol-pack(5) and gitformat-pack(5).

/** One pkt-line: four hex digits of length (itself included), then the payload. */
export function pktLine(payload: string | Uint8Array): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  return Buffer.concat([Buffer.from((bytes.length + 4).toString(16).padStart(4, '0')), bytes]);
}

export const FLUSH = Buffer.from('0000');

/** What upload-pack offers: shallow clones, and fetches of the advertised tip by its id. */
const CAPABILITIES = ['shallow', 'no-progress', 'allow-tip-sha1-in-want', 'allow-reachable-sha1-in-want'];

/** The answer to `GET info/refs?service=git-upload-pack`: the one branch, which HEAD points at. */
export function advertiseRefs(commitSha: string, branch: string): Buffer {
  const capabilities = [...CAPABILITIES, `symref=HEAD:refs/heads/${branch}`, 'agent=atlas'].join(' ');
  return Buffer.concat([
    pktLine('# service=git-upload-pack\n'),
    FLUSH,
    pktLine(`${commitSha} HEAD\0${capabilities}\n`),
    pktLine(`${commitSha} refs/heads/${branch}\n`),
    FLUSH,
  ]);
}

export interface UploadPackRequest {
  readonly wants: string[];
  /** `deepen <n>` (a shallow fetch), when asked for. */
  readonly deepen: number | undefined;
  /** Whether the client has finished negotiating (sent `done`): the pack follows only then. */
  readonly done: boolean;
}

/** Reads the client's pkt-lines; anything malformed is an Error with the reason. */
export function parseUploadPackRequest(body: Uint8Array): UploadPackRequest {
  const buffer = Buffer.from(body);
  const wants: string[] = [];
  let deepen: number | undefined;
  let done = false;
  let at = 0;
  while (at < buffer.length) {
    const size = Number.parseInt(buffer.subarray(at, at + 4).toString(), 16);
    if (!Number.isInteger(size) || (size !== 0 && size < 4) || at + Math.max(size, 4) > buffer.length) {
      throw new Error('malformed pkt-line');
    }
    if (size === 0) {
      at += 4;
      continue;
    }
    const line = buffer
      .subarray(at + 4, at + size)
      .toString()
      .replace(/\n$/, '');
    at += size;
    const [verb, value] = line.split(' ');
    if (verb === 'want') {
      if (!/^[0-9a-f]{40}$/.test(value ?? '')) throw new Error(`malformed want: ${line.slice(0, 60)}`);
      wants.push(value!);
    } else if (verb === 'deepen') {
      deepen = Number(value);
    } else if (line === 'done') {
      done = true;
    }
    // `have`, `shallow`, `deepen-since` and the rest change nothing: each repository is one parentless commit.
  }
  return { wants, deepen, done };
}

const TYPE_CODES = { commit: 1, tree: 2, blob: 3 } as const;

/** A version 2 pack of whole objects (no deltas), with its trailing SHA-1. */
export function writePack(objects: Iterable<{ type: keyof typeof TYPE_CODES; body: Uint8Array }>): Buffer {
  const parts: Buffer[] = [];
  let count = 0;
  for (const object of objects) {
    let size = object.body.byteLength;
    const header: number[] = [(TYPE_CODES[object.type] << 4) | (size & 0x0f)];
    size >>>= 4;
    while (size > 0) {
      header[header.length - 1]! |= 0x80;
      header.push(size & 0x7f);
      size >>>= 7;
    }
    parts.push(Buffer.from(header), deflateSized(object.body));
    count += 1;
  }
  const head = Buffer.alloc(12);
  head.write('PACK', 0);
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(count, 8);
  const pack = Buffer.concat([head, ...parts]);
  return Buffer.concat([pack, createHash('sha1').update(pack).digest()]);
}

/**
 * The answer to a `POST git-upload-pack`: for a shallow fetch the shallow section (empty, since the one commit has
 * no parents); then, once the client said `done`, NAK and the pack (no common commits: it gets everything).
 */
export function uploadPackResponse(request: UploadPackRequest, pack: () => Buffer): Buffer {
  const parts: Buffer[] = [];
  if (request.deepen !== undefined) parts.push(FLUSH);
  // A first round of a stateless shallow fetch (wants, deepen, flush) is answered by the shallow section alone.
  if (request.done) parts.push(pktLine('NAK\n'), pack());
  else if (request.deepen === undefined) parts.push(pktLine('NAK\n'));
  return Buffer.concat(parts);
}
