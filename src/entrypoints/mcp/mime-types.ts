import { contentTypeOf } from '../http/content-types.ts';

/**
 * The media type of a skill file as an MCP resource: Markdown as `text/markdown` (the extension's SHOULD for
 * SKILL.md), everything else as the HTTP API types it, without parameters.
 */
export function mimeTypeOf(path: string): string {
  if (/\.(md|markdown)$/i.test(path)) return 'text/markdown';
  return contentTypeOf(path).type.split(';')[0]!.trim();
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The file as text when it is UTF-8 without NUL characters, undefined otherwise. A byte order mark is kept, so
 * encoding the text again gives back exactly the bytes the digest covers.
 */
export function textOf(bytes: Uint8Array): string | undefined {
  try {
    const text = STRICT_UTF8.decode(bytes);
    return text.includes('\0') ? undefined : text;
  } catch {
    return undefined;
  }
}
