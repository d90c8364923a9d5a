#!/usr/bin/env node
// Builds dist/ when it is missing or older than the sources, so `npm start` and `npm test` never run
// old code: the server (src/ with tsc) and the web UI (web/ with Vite, into dist/web). Freshness is a
// hash of every file a build reads, recorded in dist/.source-hash and dist/.web-source-hash; file
// times only decide whether the hash needs computing again.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.source-hash');
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];
const webStamp = join(root, 'dist', '.web-source-hash');
const webShell = join(root, 'dist', 'web', 'index.html');
const webInputs = ['vite.config.ts', 'package.json'];

function sources(folder, pattern = /\.tsx?$/) {
  const files = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) files.push(...sources(path, pattern));
    else if (pattern.test(entry.name)) files.push(path);
  }
  return files;
}

function sourceHash(files) {
  const hash = createHash('sha256');
  for (const file of files.sort())
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

/** Whether the build recorded in `stampFile` is of these files: by time first, then by hash. */
function isFresh(stampFile, files) {
  if (!existsSync(stampFile)) return false;
  const built = statSync(stampFile).mtimeMs;
  if (files.every((file) => statSync(join(root, file)).mtimeMs <= built)) return true;
  if (readFileSync(stampFile, 'utf8').trim() !== sourceHash(files)) return false;
  const now = new Date();
  utimesSync(stampFile, now, now);
  return true;
}

/**
 * Builds the web UI into dist/web when web/ changed. A UI built just now by `vite build` itself (`npm run build`),
 * newer than every file it reads, is recorded as it is rather than built twice.
 */
export function ensureWebBuild({ quiet = false } = {}) {
  if (!existsSync(join(root, 'web'))) return false;
  const files = [...webInputs, ...sources('web', /./)];
  if (existsSync(webShell)) {
    if (isFresh(webStamp, files)) return false;
    const shellTime = statSync(webShell).mtimeMs;
    if (!existsSync(webStamp) && files.every((file) => statSync(join(root, file)).mtimeMs <= shellTime)) {
      writeFileSync(webStamp, `${sourceHash(files)}\n`);
      return false;
    }
  }
  const hash = sourceHash(files);
  if (!quiet) process.stderr.write('atlas: building the web UI into dist/web (npm run build)\n');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new Error('dist/web is missing or stale and Vite is not installed: run npm install');
  // A production build whatever NODE_ENV the caller runs with (a test runner sets "test", which Vite and React
  // would take for a development build).
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--mode', 'production'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) throw new Error('the web UI build failed (npm run build shows why)');
  writeFileSync(webStamp, `${hash}\n`);
  return true;
}

export function ensureBuild({ quiet = false } = {}) {
  const server = ensureServerBuild({ quiet });
  const web = ensureWebBuild({ quiet });
  return server || web;
}

function ensureServerBuild({ quiet }) {
  const files = [...inputs, ...sources('src')];
  if (isFresh(stamp, files)) return false;
  if (!quiet) process.stderr.write('atlas: building dist/ from src/ (npm run build)\n');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new Error('dist/ is missing or stale and TypeScript is not installed: run npm install');
  // Everything the build prints goes to stderr: stdout belongs to the command being run (its --json).
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) throw new Error('the build failed (npm run build shows why)');
  writeFileSync(stamp, `${sourceHash(files)}\n`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureBuild();
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
