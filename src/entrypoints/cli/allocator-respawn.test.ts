import { describe, expect, it } from 'vitest';
import { ALLOCATOR_SETTINGS, allocatorRespawnEnv, type ProcessTraits } from './allocator-respawn.ts';

const glibcLinux = (env: NodeJS.ProcessEnv = {}): ProcessTraits => ({
  env,
  platform: 'linux',
  glibc: () => '2.36',
});

describe('allocatorRespawnEnv', () => {
  it('starts a server or a worker on glibc again with the thresholds frozen', () => {
    expect(allocatorRespawnEnv(['serve'], glibcLinux())).toEqual(ALLOCATOR_SETTINGS);
    expect(allocatorRespawnEnv(['worker'], glibcLinux({ PATH: '/usr/bin' }))).toEqual({
      MALLOC_TRIM_THRESHOLD_: '131072',
      MALLOC_MMAP_THRESHOLD_: '131072',
    });
  });

  it('runs every other command, and help, in the process it was given', () => {
    for (const args of [[], ['login'], ['install', 'skill/acme/pdf-tools'], ['serve', '--help'], ['worker', '-h']]) {
      expect(allocatorRespawnEnv(args, glibcLinux())).toBeUndefined();
    }
  });

  it('leaves other C libraries and systems alone, without asking for glibc on them', () => {
    const asked: string[] = [];
    const glibc = () => {
      asked.push('glibc');
      return undefined;
    };
    expect(allocatorRespawnEnv(['serve'], { env: {}, platform: 'linux', glibc })).toBeUndefined();
    expect(allocatorRespawnEnv(['serve'], { env: {}, platform: 'darwin', glibc: () => '2.36' })).toBeUndefined();
    expect(allocatorRespawnEnv(['serve'], { env: {}, platform: 'win32', glibc: () => '2.36' })).toBeUndefined();
    expect(allocatorRespawnEnv(['login'], { env: {}, platform: 'linux', glibc })).toBeUndefined();
    expect(asked).toEqual(['glibc']);
  });

  it("keeps an operator's own malloc settings, and never starts a process started with ours again", () => {
    expect(allocatorRespawnEnv(['serve'], glibcLinux({ MALLOC_ARENA_MAX: '2' }))).toBeUndefined();
    expect(allocatorRespawnEnv(['serve'], glibcLinux({ ...ALLOCATOR_SETTINGS }))).toBeUndefined();
    expect(
      allocatorRespawnEnv(['serve'], glibcLinux({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1048576' })),
    ).toBeUndefined();
    // Tunables of other parts of glibc are no malloc setting.
    expect(allocatorRespawnEnv(['serve'], glibcLinux({ GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2' }))).toEqual(
      ALLOCATOR_SETTINGS,
    );
  });
});
