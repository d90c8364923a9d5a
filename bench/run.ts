/**
 * The benchmark harness: `npm run bench [name ...] [-- --items N]` runs every benchmark (or the named ones),
 * prints its figures and writes them to bench/results/<name>.json. `--items` sets the catalog size of the
 * benchmarks that take one (catalog-search, initial-sync, serve-memory, marketplaces).
 */
import { type BenchOptions, type BenchResult, printResult, writeResult } from './harness.ts';

const benches: Record<string, () => Promise<{ run(options: BenchOptions): Promise<BenchResult> }>> = {
  'content-store': () => import('./content-store.bench.ts'),
  'catalog-search': () => import('./catalog-search.bench.ts'),
  relevance: () => import('./relevance.bench.ts'),
  sync: () => import('./sync.bench.ts'),
  'initial-sync': () => import('./initial-sync.bench.ts'),
  startup: () => import('./startup.bench.ts'),
  'serve-memory': () => import('./serve-memory.bench.ts'),
  'mixed-load': () => import('./mixed-load.bench.ts'),
  registry: () => import('./registry.bench.ts'),
  web: () => import('./web.bench.ts'),
  marketplaces: () => import('./marketplaces.bench.ts'),
};

function parseArguments(args: string[]): { names: string[]; options: BenchOptions } {
  const names: string[] = [];
  let items: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--items' || arg.startsWith('--items=')) {
      const value = arg.includes('=') ? arg.slice('--items='.length) : args[++i];
      items = Number(value);
      if (!Number.isInteger(items) || items < 100) {
        console.error(`--items takes a whole number of items, at least 100 (got "${value}")`);
        process.exit(2);
      }
    } else if (arg.startsWith('--')) {
      console.error(`unknown option "${arg}"; known: --items N`);
      process.exit(2);
    } else {
      names.push(arg);
    }
  }
  return { names, options: items === undefined ? {} : { items } };
}

const { names: wanted, options } = parseArguments(process.argv.slice(2));
const names = wanted.length > 0 ? wanted : Object.keys(benches);
let missed = 0;
for (const name of names) {
  const load = benches[name];
  if (!load) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  const result = await (await load()).run(options);
  printResult(result);
  writeResult(result);
  missed += result.figures.filter((f) => f.ok === false).length;
}
console.log(missed === 0 ? '\nall targets met' : `\n${missed} target(s) missed`);
