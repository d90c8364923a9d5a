import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('migrations', () => {
  // drizzle-kit takes an output folder relative to the project, so the scratch copy lives inside it.
  const scratch = `node_modules/.cache/atlas-drift-${randomBytes(4).toString('hex')}`;
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('agree with the schema: regenerating them produces no change', async () => {
    mkdirSync(scratch, { recursive: true });
    cpSync('migrations', `${scratch}/migrations`, { recursive: true });
    const before = readdirSync(`${scratch}/migrations`).sort();
    const { stdout } = await run(
      'npx',
      [
        'drizzle-kit',
        'generate',
        '--dialect=postgresql',
        '--schema=./src/adapters/postgres/schema.ts',
        `--out=./${scratch}/migrations`,
      ],
      { timeout: 60_000 },
    );
    expect(stdout).toContain('No schema changes');
    expect(readdirSync(`${scratch}/migrations`).sort()).toEqual(before);
  }, 60_000);
});
