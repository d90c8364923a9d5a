import type { FileInput } from '../../../src/entrypoints/http/schemas/items.ts';

/** A file of the folder being published, read in the browser. */
export interface LocalFile {
  path: string;
  bytes: Uint8Array;
  executable: boolean;
}

/** Names a folder picked from a desktop is likely to carry that are never part of an item. */
const JUNK = /(^|\/)(\.git|\.DS_Store|Thumbs\.db|desktop\.ini|__MACOSX|node_modules)(\/|$)/;

/** Removes the folder everything sits in (what a folder pick or a zip of one adds), and junk. */
export function normaliseFiles(files: LocalFile[]): { files: LocalFile[]; skipped: string[] } {
  const skipped = files.filter((file) => JUNK.test(file.path)).map((file) => file.path);
  let kept = files.filter((file) => !JUNK.test(file.path) && !file.path.endsWith('/'));
  const tops = new Set(kept.map((file) => file.path.split('/')[0]));
  if (tops.size === 1 && kept.every((file) => file.path.includes('/'))) {
    kept = kept.map((file) => ({ ...file, path: file.path.slice(file.path.indexOf('/') + 1) }));
  }
  kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: kept, skipped };
}

/** Browsers do not tell file modes: a file that starts with `#!` is taken to be a script meant to run. */
const isScript = (bytes: Uint8Array) => bytes[0] === 0x23 && bytes[1] === 0x21;

async function readFile(file: File, path: string): Promise<LocalFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { path, bytes, executable: isScript(bytes) };
}

/** The files of an `<input type="file" webkitdirectory>` pick. */
export function readPicked(list: FileList): Promise<LocalFile[]> {
  return Promise.all([...list].map((file) => readFile(file, file.webkitRelativePath || file.name)));
}

/** The files of a drop: folders walked through the File System entries API, files as they are. */
export async function readDropped(transfer: DataTransfer): Promise<LocalFile[] | File> {
  const entries = [...transfer.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((entry): entry is FileSystemEntry => entry !== null);
  const only = transfer.files[0];
  if (entries.length === 1 && entries[0]!.isFile && only && /\.zip$/i.test(only.name)) return only;
  const out: LocalFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push(await readFile(file, path));
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries answers in batches until it answers an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, path);
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

/** The files of a zip, read in the browser (the reader is loaded only when a zip is given). */
export async function readZip(file: Blob): Promise<LocalFile[]> {
  const { unzipSync } = await import('fflate');
  const entries = unzipSync(new Uint8Array(await file.arrayBuffer()));
  return Object.entries(entries)
    .filter(([path]) => !path.endsWith('/'))
    .map(([path, bytes]) => ({ path, bytes, executable: isScript(bytes) }));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a file when it is UTF-8 without NUL characters; undefined for anything binary. */
export function textOf(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The files as the publish API takes them: text as text, anything else as base64. */
export function toFileInputs(files: readonly LocalFile[]): FileInput[] {
  return files.map((file) => {
    const text = textOf(file.bytes);
    return text === undefined
      ? { path: file.path, content: base64(file.bytes), encoding: 'base64', executable: file.executable }
      : { path: file.path, content: text, executable: file.executable };
  });
}
