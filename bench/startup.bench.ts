/**
 * Start-up cost, against bare Node in the same run: `node -e 0`, `atlas --help` and `atlas --version` wall time
 * (the built CLI, as an installed command runs it), and `atlas serve` on a new and on an existing embedded home
 * until `/healthz` answers. Targets: `atlas --help` under 300 ms and at most 5x bare Node; a second embedded
 * start ready in under 3 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchResult, type Figure, median, percentile, round } from './harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'entrypoints', 'cli', 'main.js');
const BIN = join(ROOT, 'bin', 'atlas.mjs');

function wallTimes(args: string[], runs: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
    const elapsed = performance.now() - start;
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}`);
    if (i >= 2) samples.push(elapsed);
  }
  return samples;
}

/** Milliseconds from spawning `atlas serve` to the first 200 from /healthz. */
async function serveUntilHealthy(home: string): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: { ...process.env, ATLAS_HOME: home, ATLAS_PORT: '0', ATLAS_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`atlas serve did not start:\n${output}`)), 60_000);
      child.stdout.on('data', () => {
        const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`atlas serve exited with ${code}:\n${output}`)));
    });
    for (;;) {
      const response = await fetch(`${url}/healthz`).catch(() => undefined);
      if (response?.status === 200) return performance.now() - start;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

export async function run(): Promise<BenchResult> {
  // The benchmark measures the build as it is: build it first if the sources moved.
  spawnSync(process.execPath, [BIN, '--version'], { stdio: 'ignore' });
  const runs = 20;
  const bare = wallTimes(['-e', '0'], runs);
  const help = wallTimes([MAIN, '--help'], runs);
  const version = wallTimes([MAIN, '--version'], runs);
  const viaBin = wallTimes([BIN, '--help'], runs);
  const home = mkdtempSync(join(tmpdir(), 'atlas-bench-startup-'));
  let first: number;
  const again: number[] = [];
  try {
    first = await serveUntilHealthy(home);
    for (let i = 0; i < 3; i++) again.push(await serveUntilHealthy(home));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const helpMedian = median(help);
  const ratio = helpMedian / median(bare);
  const figures: Figure[] = [
    { name: 'node -e 0, median', value: round(median(bare), 1), unit: 'ms' },
    {
      name: 'atlas --help, median',
      value: round(helpMedian, 1),
      unit: 'ms',
      target: '< 300 ms',
      ok: helpMedian < 300,
    },
    { name: 'atlas --help, p95', value: round(percentile(help, 95), 1), unit: 'ms' },
    { name: 'atlas --help / node -e 0', value: round(ratio, 2), unit: 'x', target: '<= 5x', ok: ratio <= 5 },
    { name: 'atlas --version, median', value: round(median(version), 1), unit: 'ms' },
    {
      name: 'bin/atlas.mjs --help in a checkout (freshness check), median',
      value: round(median(viaBin), 1),
      unit: 'ms',
    },
    { name: 'atlas serve to /healthz, new embedded home', value: round(first, 0), unit: 'ms' },
    {
      name: 'atlas serve to /healthz, second start, median of 3',
      value: round(median(again), 0),
      unit: 'ms',
      target: '< 3000 ms',
      ok: median(again) < 3000,
    },
  ];
  return {
    bench: 'startup',
    figures,
    notes: [`${runs} runs of each command after 2 untimed ones; dist/ runs as an installed package would`],
  };
}
