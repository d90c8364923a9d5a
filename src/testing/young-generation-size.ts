import { spawnSync } from 'node:child_process';

/**
 * The young generation's size (MiB) in a new Node process (ES module, TypeScript through tsx) that runs `setup`,
 * then allocates 2 million short-lived objects (200 MB), then runs `teardown`. Without a setting that keeps it
 * small, V8 grows it to 32 MiB under that load.
 */
export function youngGenerationAfter(setup: string, teardown = ''): number {
  const code = `
    ${setup}
    const { getHeapSpaceStatistics } = await import('node:v8');
    let kept = [];
    for (let i = 0; i < 2_000_000; i++) {
      kept.push({ i, text: 'row ' + i });
      if (kept.length > 1000) kept = [];
    }
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(space.space_size / 2 ** 20);
    ${teardown}`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(result.stdout.trim());
}
