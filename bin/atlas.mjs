#!/usr/bin/env node
// Runs the TypeScript sources directly: tsx compiles each module on first load and caches it.
import { register } from 'tsx/esm/api';

register();
await import('../src/entrypoints/cli/main.ts');
