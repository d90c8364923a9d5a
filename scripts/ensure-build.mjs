#!/usr/bin/env node
// Builds dist/ when it is missing or older than the sources, so `npm start` and `npm test` never run
// old code. Freshness is a hash of every file the build reads, recorded in dist/.source-hash; file
// times only decide whether the hash needs computing again.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.source-hash');
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function sources(folder) {
  const files = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) files.push(...sources(path));
    else if (/\.tsx?$/.test(entry.name)) files.push(path);
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

export function ensureBuild({ quiet = false } = {}) {
  const files = [...inputs, ...sources('src')];
  if (existsSync(stamp)) {
    const built = statSync(stamp).mtimeMs;
    if (files.every((file) => statSync(join(root, file)).mtimeMs <= built)) return false;
    if (readFileSync(stamp, 'utf8').trim() === sourceHash(files)) {
      const now = new Date();
      utimesSync(stamp, now, now);
      return false;
    }
  }
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
