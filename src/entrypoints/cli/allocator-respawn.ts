import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * glibc's malloc thresholds, frozen at the values it starts with. By default glibc raises them whenever a block
 * it had mapped on its own is freed: after V8 frees one compilation zone of 6.5 MiB (in the first seconds of any
 * `atlas serve`), every thread's arena keeps up to twice that free at its top instead of giving it back, and blocks
 * of up to 6.5 MiB come out of those arenas where they fragment them. The threads of a server (V8's four
 * background threads, libuv's pool, the embedded database's thread) held 80-107 MiB that way after 600 reads on
 * 100,000 skills, against 26 MiB with the thresholds frozen (`npm run bench serve-memory`; resident memory after
 * the reads 292-316 MiB against 268). Setting either one turns the raising off; glibc reads them only as the
 * process starts.
 */
export const ALLOCATOR_SETTINGS: Readonly<Record<string, string>> = {
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** The commands that run until stopped, whose memory is worth a second process start. */
const LONG_RUNNING = new Set(['serve', 'worker']);

/** What the decision depends on besides the command line: the environment and the C library underneath. */
export interface ProcessTraits {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  /** glibc's version when Node runs on it (process.report's `glibcVersionRuntime`), else undefined (musl, macOS). */
  glibc(): string | undefined;
}

/**
 * The variables to start `args` again with, or undefined when this process runs them as it is: only a
 * long-running command, on glibc, whose environment sets no malloc setting of its own (any `MALLOC_*` variable,
 * or a `glibc.malloc` tunable, is the operator's choice and is left alone, and so is a process started with ours).
 */
export function allocatorRespawnEnv(
  args: readonly string[],
  traits: ProcessTraits,
): Record<string, string> | undefined {
  const [command, ...rest] = args;
  if (command === undefined || !LONG_RUNNING.has(command)) return undefined;
  if (rest.some((arg) => arg === '-h' || arg === '--help')) return undefined;
  if (traits.platform !== 'linux' || traits.glibc() === undefined) return undefined;
  if (Object.keys(traits.env).some((name) => name.startsWith('MALLOC_'))) return undefined;
  if (traits.env.GLIBC_TUNABLES?.includes('glibc.malloc.')) return undefined;
  return { ...ALLOCATOR_SETTINGS };
}

/** Signals passed on to the command's process; it may have had them already from the terminal (see below). */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `args` again in a new process that starts with ALLOCATOR_SETTINGS, when `allocatorRespawnEnv` says so, and
 * answers its exit code once it ends (128 + the signal's number when a signal ended it); undefined when this
 * process should run the command itself. Node cannot replace its own process (no exec before Node 23), so this
 * one stays, holding nothing else loaded (about 7 MiB of its own beside the code pages both share), and:
 * - passes on SIGINT, SIGTERM and SIGHUP. Ctrl-C in a terminal reaches both processes, and the command then sees
 *   it twice: `serve` and `worker` treat a repeated signal as the one they are already stopping for;
 * - gives the command an IPC channel that closes when this process ends however it ends (even SIGKILL), upon which
 *   the command stops as on SIGTERM (`stopWhenLauncherEnds`) instead of running on unwatched.
 */
export function respawnWithAllocatorSettings(args: readonly string[]): Promise<number> | undefined {
  const settings = allocatorRespawnEnv(args, {
    env: process.env,
    platform: process.platform,
    glibc: glibcVersion,
  });
  if (!settings) return undefined;
  // The CLI's own entry, beside this file (main.js built, main.ts under tsx): not the `atlas` script that may have
  // led here, which in a checkout would check the build a second time.
  const main = fileURLToPath(new URL(`./main${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, main, ...args], {
    env: { ...process.env, ...settings, ATLAS_LAUNCHER: String(process.pid) },
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const name of FORWARDED) process.off(name, forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/**
 * In a command started by `respawnWithAllocatorSettings`: stops it as SIGTERM does when the launcher's channel
 * closes (the launcher ended without passing a signal on, e.g. killed outright). The channel keeps nothing alive.
 */
export function stopWhenLauncherEnds(): void {
  if (process.env.ATLAS_LAUNCHER === undefined || !process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

/** glibc's version when this Node runs on it, else undefined. */
export function glibcVersion(): string | undefined {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime;
}
