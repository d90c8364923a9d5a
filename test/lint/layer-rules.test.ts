import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/layers');
const BIOME = join(ROOT, 'node_modules/@biomejs/biome/bin/biome');

interface Diagnostic {
  file: string;
  rule: string;
}

/** Runs the project's own biome.json over a folder and returns which rule fired in which file. */
function lint(folder: string): { code: number; diagnostics: Diagnostic[] } {
  const result = spawnSync(process.execPath, [BIOME, 'lint', '--reporter=json', '--max-diagnostics=none', '.'], {
    cwd: folder,
    encoding: 'utf8',
  });
  const report = JSON.parse(result.stdout) as {
    diagnostics: { category: string; location: { path: { file: string } | string } }[];
  };
  const diagnostics = report.diagnostics.map((d) => ({
    file: typeof d.location.path === 'string' ? d.location.path : d.location.path.file,
    rule: d.category,
  }));
  return { code: result.status ?? -1, diagnostics };
}

describe('layer rules (npm run lint)', () => {
  let scratch: string;
  let found: { code: number; diagnostics: Diagnostic[] };

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'atlas-layers-'));
    cpSync(FIXTURE, scratch, { recursive: true });
    const config = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8'));
    // The scratch folder is no git checkout; everything else is the project's configuration as it is.
    config.vcs = { enabled: false };
    config.$schema = undefined;
    writeFileSync(join(scratch, 'biome.json'), JSON.stringify(config));
    found = lint(scratch);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const rulesIn = (file: string) => found.diagnostics.filter((d) => d.file === file).map((d) => d.rule);

  it('fails the lint run on the fixture that breaks them', () => {
    expect(found.code).not.toBe(0);
  });

  it.each([
    ['src/domain/imports-adapter.ts', 'the domain imports an adapter'],
    ['src/domain/imports-driver.ts', 'the domain does I/O'],
    ['src/domain/imports-test.ts', 'src imports test/'],
    ['src/domain/imports-testing.ts', 'production code imports test support'],
    ['src/application/imports-entrypoint.ts', 'a use case imports an entrypoint'],
    ['src/application/imports-fastify.ts', 'a use case imports a web framework'],
    ['src/adapters/memory/imports-use-case.ts', 'an adapter imports a use case'],
    ['src/entrypoints/http/route.ts', 'an entrypoint picks a concrete adapter'],
    ['src/lib/imports-application.ts', 'a library imports a use case'],
  ])('refuses %s (%s)', (file) => {
    expect(rulesIn(file)).toContain('lint/style/noRestrictedImports');
  });

  it('refuses an import cycle', () => {
    expect(rulesIn('src/entrypoints/cli/cycle-a.ts')).toContain('lint/suspicious/noImportCycles');
  });

  it('lets tests pick adapters and leaves files that keep the rules alone', () => {
    for (const file of [
      'src/entrypoints/http/route.test.ts',
      'src/adapters/memory/in-memory-thing.ts',
      'src/application/helper.ts',
      'src/domain/testing/builder.ts',
    ]) {
      expect(rulesIn(file), file).toEqual([]);
    }
  });

  it('passes on the real tree', () => {
    const real = lint(ROOT);
    expect(real.diagnostics).toEqual([]);
    expect(real.code).toBe(0);
  });
});
