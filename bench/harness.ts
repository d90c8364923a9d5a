import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** One figure a benchmark reports: a name, a value and its unit, and the target when there is one. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly ok?: boolean;
}

/** What `npm run bench <name> -- --items N` passes to a benchmark; each reads what it understands. */
export interface BenchOptions {
  /** The catalog size to measure at. */
  readonly items?: number;
}

export interface BenchResult {
  readonly bench: string;
  readonly figures: Figure[];
  readonly notes?: string[];
}

/** Times `fn` `runs` times (after `warmup` untimed runs) and returns the samples in milliseconds. */
export async function sample(fn: (i: number) => Promise<unknown>, runs: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function writeResult(result: BenchResult): void {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${result.bench}.json`, import.meta.url);
  const machine = {
    node: process.version,
    cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency,
  };
  writeFileSync(file, `${JSON.stringify({ ...result, measuredAt: new Date().toISOString(), machine }, null, 2)}\n`);
}

export function printResult(result: BenchResult): void {
  console.log(`\n## ${result.bench}`);
  for (const f of result.figures) {
    const verdict = f.ok === undefined ? '' : f.ok ? '  ok' : '  MISSED';
    console.log(
      `  ${f.name.padEnd(58)} ${String(f.value).padStart(10)} ${f.unit}${f.target ? `  (target ${f.target})` : ''}${verdict}`,
    );
  }
  for (const note of result.notes ?? []) console.log(`  - ${note}`);
}
