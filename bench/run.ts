/**
 * The benchmark harness: `npm run bench [name ...]` runs every benchmark (or the named ones),
 * prints its figures and writes them to bench/results/<name>.json.
 */
import { type BenchResult, printResult, writeResult } from './harness.ts';

const benches: Record<string, () => Promise<{ run(): Promise<BenchResult> }>> = {
  'content-store': () => import('./content-store.bench.ts'),
  'catalog-search': () => import('./catalog-search.bench.ts'),
  sync: () => import('./sync.bench.ts'),
  startup: () => import('./startup.bench.ts'),
  'mixed-load': () => import('./mixed-load.bench.ts'),
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(benches);
let missed = 0;
for (const name of names) {
  const load = benches[name];
  if (!load) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  const result = await (await load()).run();
  printResult(result);
  writeResult(result);
  missed += result.figures.filter((f) => f.ok === false).length;
}
console.log(missed === 0 ? '\nall targets met' : `\n${missed} target(s) missed`);
