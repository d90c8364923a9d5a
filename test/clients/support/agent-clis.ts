/**
 * The coding agents' command lines the client tests run: Codex, Gemini CLI and Claude Code, pinned, installed from
 * npm at test time (never dependencies of this project) into one prefix that every client test of a run shares.
 * The prefix is kept under the system's temporary folder, keyed by the pinned versions, and marked complete only
 * once the install finished, so a second test file (or a second run on the same machine) reuses it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NPM_CLI = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');

export const AGENT_CLIS = ['@openai/codex@0.169.0', '@google/gemini-cli@0.61.0', '@anthropic-ai/claude-code@2.1.328'];

/** Either the prefix whose `bin/` holds `codex`, `gemini` and `claude`, or why npm could not be reached. */
export type AgentClis = { readonly prefix: string } | { readonly unreachable: string };

export async function installAgentClis(): Promise<AgentClis> {
  const key = AGENT_CLIS.join(' ').replace(/[^A-Za-z0-9.]+/g, '-');
  const prefix = join(tmpdir(), `atlas-agent-clis-${key}`);
  if (existsSync(join(prefix, '.complete'))) return { prefix };
  const partial = `${prefix}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await run(
      process.execPath,
      [
        NPM_CLI,
        'install',
        '--global',
        '--prefix',
        partial,
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        ...AGENT_CLIS,
      ],
      { cwd: partial, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    const output = `${(error as { stderr?: string }).stderr ?? ''} ${(error as Error).message}`;
    if (!/E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH)|network|offline/i.test(output)) throw error;
    return { unreachable: output.split('\n').find((line) => /err/i.test(line)) ?? output.slice(0, 200) };
  }
  // Install scripts stay off (Gemini CLI's would compile native modules it does not need), but Claude Code's is
  // what puts its native program, from its platform package, in place of the stub.
  const claudeCode = join(partial, 'lib', 'node_modules', '@anthropic-ai', 'claude-code');
  await run(process.execPath, [join(claudeCode, 'install.cjs')], { cwd: claudeCode });
  writeFileSync(join(partial, '.complete'), `${AGENT_CLIS.join('\n')}\n`);
  rmSync(prefix, { recursive: true, force: true });
  renameSync(partial, prefix);
  return { prefix };
}
