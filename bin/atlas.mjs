#!/usr/bin/env node
// Runs the compiled CLI in dist/. In a checkout of the sources (src/ beside dist/), a missing or stale
// build is rebuilt first, so the command never runs old code; an installed package has no src/.
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src/', import.meta.url))) {
  const { ensureBuild } = await import('../scripts/ensure-build.mjs');
  try {
    ensureBuild();
  } catch (error) {
    process.stderr.write(`atlas: ${error.message}\n`);
    process.exit(1);
  }
}
await import('../dist/entrypoints/cli/main.js');
