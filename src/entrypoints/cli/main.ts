// First: V8's heap settings, before anything else is loaded.
import './heap-settings.ts';
import { respawnWithAllocatorSettings, stopWhenLauncherEnds } from './allocator-respawn.ts';

const args = process.argv.slice(2);
// A server or worker on glibc runs in a process started with the allocator settings it needs; this one then only
// waits for it, with nothing else loaded.
const launched = respawnWithAllocatorSettings(args);
const code = launched ? await launched : await runHere(args);
// -1: a long-running command (serve) that exits on a signal.
if (code >= 0) {
  // Let pipes drain first: exiting at once can cut a large --json document short.
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) =>
        new Promise<void>((resolve) => (stream.writableLength > 0 ? stream.write('', () => resolve()) : resolve())),
    ),
  );
  process.exit(code);
}

async function runHere(commandLine: readonly string[]): Promise<number> {
  stopWhenLauncherEnds();
  const { runCli } = await import('./run-cli.ts');
  return runCli(commandLine, {
    streams: {
      stdout: process.stdout,
      stderr: process.stderr,
      // Opened only by the commands that read it (login's prompts), so a server's stdin is left alone.
      get stdin() {
        return process.stdin;
      },
    },
    env: process.env,
    cwd: process.cwd(),
  });
}
