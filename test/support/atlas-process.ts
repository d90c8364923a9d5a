import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ATLAS_BIN = fileURLToPath(new URL('../../bin/atlas.mjs', import.meta.url));

export interface RunningAtlas {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Milliseconds from spawn to the ready line. */
  readonly readyAfterMs: number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `atlas serve` as a child process the way the README does, and waits for its ready line.
 * `command` runs another `atlas` (an installed one) instead of this checkout's `bin/atlas.mjs`; `baseEnv`
 * replaces the inherited environment.
 */
export async function startAtlas(
  env: Record<string, string>,
  timeoutMs = 60_000,
  options: { command?: string; baseEnv?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunningAtlas> {
  const started = performance.now();
  const [file, args] = options.command ? [options.command, ['serve']] : [process.execPath, [ATLAS_BIN, 'serve']];
  const child = spawn(file, args, {
    env: { ...(options.baseEnv ?? process.env), ATLAS_PORT: '0', ATLAS_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`atlas did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const check = () => {
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*Atlas is ready/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`atlas exited with ${code} before it was ready:\n${output}`));
    });
  });
  const readyAfterMs = performance.now() - started;
  return {
    url,
    child,
    output: () => output,
    readyAfterMs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
