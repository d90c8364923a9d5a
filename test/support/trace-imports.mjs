// Loaded with `node --import` (NODE_OPTIONS): prints `imported <url>` to stderr for every module whose URL holds
// TRACE_IMPORTS, so a test can see what a process loads, and when.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const wanted = process.env.TRACE_IMPORTS;
  if (wanted && resolved.url.includes(wanted)) process._rawDebug(`imported ${resolved.url}`);
  return resolved;
}
