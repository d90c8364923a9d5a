/**
 * How an item's file is served. Item files come from anyone who may publish, so none may ever run
 * on Atlas's origin: text of every kind (scripts and markup sources included) is `text/plain`, shown
 * inline; common raster images are shown inline as themselves; everything else (SVG, HTML, XML,
 * PDF, archives, unknown bytes) is a download. The route adds `nosniff` and a sandboxing CSP.
 */
const TEXT = new Set([
  'md',
  'markdown',
  'txt',
  'json',
  'jsonc',
  'yaml',
  'yml',
  'toml',
  'ini',
  'cfg',
  'conf',
  'csv',
  'tsv',
  'py',
  'sh',
  'bash',
  'zsh',
  'ps1',
  'js',
  'mjs',
  'cjs',
  'jsx',
  'ts',
  'mts',
  'cts',
  'tsx',
  'rb',
  'go',
  'rs',
  'java',
  'kt',
  'cs',
  'c',
  'h',
  'cpp',
  'php',
  'lua',
  'sql',
  'css',
  'diff',
  'patch',
  'log',
]);
const TEXT_NAMES = new Set(['LICENSE', 'Makefile', 'Dockerfile', 'README', 'NOTICE', 'CHANGELOG']);
/** Raster images: a browser never runs them, so they may be shown. Not SVG, which may hold scripts. */
const IMAGES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/vnd.microsoft.icon',
};
/** Downloads keep their type so the saved file opens with the right program. */
const DOWNLOADS: Record<string, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  wasm: 'application/wasm',
};

export const TEXT_PLAIN = 'text/plain; charset=utf-8';

export function contentTypeOf(path: string): { type: string; download: boolean } {
  const name = path.split('/').at(-1) ?? path;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (TEXT.has(extension) || (extension === '' && TEXT_NAMES.has(name))) return { type: TEXT_PLAIN, download: false };
  const image = IMAGES[extension];
  if (image) return { type: image, download: false };
  return { type: DOWNLOADS[extension] ?? 'application/octet-stream', download: true };
}

/** Headers for every answer that carries an item's bytes: never sniffed, never able to script or load anything. */
export const ITEM_FILE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
} as const;
