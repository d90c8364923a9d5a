/**
 * Publish latency of the local git content store against catalog size: the median time to commit a new
 * three-file item into a repository of 100 items and into one of 10,000 items. A commit writes only the
 * trees on the path to the changed item, so the ratio should stay near 1 (target under 1.5).
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCommit } from '../src/adapters/git/git-objects.ts';
import { LocalGitContentStore } from '../src/adapters/git/local-git-content-store.ts';
import type { FileChange } from '../src/domain/content/content-store.ts';
import { EXECUTABLE_MODE, FILE_MODE, type GitTreeEntry, TREE_MODE } from '../src/domain/content/tree-id.ts';
import { type BenchResult, median, round, sample } from './harness.ts';
import { looseObjectWriter } from './loose-objects.ts';

const AUTHOR = { name: 'Bench', email: 'bench@example.com' };
const RUNS = 30;
const encoder = new TextEncoder();

function itemFiles(folder: string, name: string): (FileChange & { type: 'write' })[] {
  return [
    {
      type: 'write',
      path: `${folder}/SKILL.md`,
      content: encoder.encode(`---\nname: ${name}\ndescription: The ${name} skill, for measuring.\n---\n# ${name}\n`),
    },
    {
      type: 'write',
      path: `${folder}/scripts/run.sh`,
      content: encoder.encode(`#!/bin/sh\necho ${name}\n`),
      executable: true,
    },
    { type: 'write', path: `${folder}/README.md`, content: encoder.encode(`How to use ${name}.\n`) },
  ];
}

/**
 * A repository of `items` skills in namespaces of 100, seeded as one commit whose loose objects are written
 * straight to disk: the same objects a commit through the store writes, minus its per-object bookkeeping.
 */
async function catalogOf(items: number): Promise<{ store: LocalGitContentStore; dir: string; buildMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), `atlas-bench-content-${items}-`));
  const gitdir = join(dir, 'content.git');
  const started = performance.now();
  const empty = await LocalGitContentStore.open(gitdir);
  const parent = await empty.head();
  await empty.close();

  const { write, tree } = looseObjectWriter(gitdir);

  const namespaces: GitTreeEntry[] = [];
  for (let ns = 0; ns * 100 < items; ns++) {
    const skills: GitTreeEntry[] = [];
    for (let i = ns * 100; i < Math.min(items, (ns + 1) * 100); i++) {
      const name = `skill-${i}`;
      const [manifest, script, readme] = itemFiles('', name).map((change) => write('blob', change.content));
      const scripts = tree([{ name: 'run.sh', mode: EXECUTABLE_MODE, sha: script! }]);
      const item = tree([
        { name: 'README.md', mode: FILE_MODE, sha: readme! },
        { name: 'SKILL.md', mode: FILE_MODE, sha: manifest! },
        { name: 'scripts', mode: TREE_MODE, sha: scripts },
      ]);
      skills.push({ name, mode: TREE_MODE, sha: item });
    }
    namespaces.push({ name: `ns-${ns}`, mode: TREE_MODE, sha: tree(skills) });
  }
  const root = tree([{ name: 'skills', mode: TREE_MODE, sha: tree(namespaces) }]);
  const signature = {
    name: AUTHOR.name,
    email: AUTHOR.email,
    timestamp: Math.floor(Date.now() / 1000),
    timezoneOffset: 0,
  };
  const commit = write(
    'commit',
    encodeCommit({
      tree: root,
      parents: [parent],
      author: signature,
      committer: signature,
      message: `Seed ${items} items\n`,
    }),
  );
  // The repository is this benchmark's alone, so the branch can be moved without the store's lock.
  writeFileSync(join(gitdir, 'refs/heads/main'), `${commit}\n`);
  const store = await LocalGitContentStore.open(gitdir);
  return { store, dir, buildMs: performance.now() - started };
}

async function publishLatency(store: LocalGitContentStore, label: string, runs: number): Promise<number[]> {
  return sample(async (i) => {
    const name = `bench-${label}-${i < 0 ? `warm${-i}` : i}`;
    await store.commit({
      changes: itemFiles(`skills/ns-0/${name}`, name),
      message: `Publish ${name}`,
      author: AUTHOR,
      expectedHead: await store.head(),
    });
  }, runs);
}

export async function run(): Promise<BenchResult> {
  const small = await catalogOf(100);
  const large = await catalogOf(10_000);
  try {
    // Alternate the two sizes so that noise on this machine falls on both alike.
    const smallSamples: number[] = [];
    const largeSamples: number[] = [];
    for (let pass = 0; pass < 3; pass++) {
      smallSamples.push(...(await publishLatency(small.store, `p${pass}`, RUNS / 3)));
      largeSamples.push(...(await publishLatency(large.store, `p${pass}`, RUNS / 3)));
    }
    const smallMedian = median(smallSamples);
    const largeMedian = median(largeSamples);
    const ratio = largeMedian / smallMedian;
    return {
      bench: 'content-store',
      figures: [
        { name: 'local git: commit a 3-file item into 100 items (median)', value: round(smallMedian), unit: 'ms' },
        { name: 'local git: commit a 3-file item into 10,000 items (median)', value: round(largeMedian), unit: 'ms' },
        {
          name: 'local git: publish latency ratio, 10,000 / 100 items',
          value: round(ratio),
          unit: 'x',
          target: '< 1.5',
          ok: ratio < 1.5,
        },
      ],
      notes: [
        `${smallSamples.length} timed commits per size after warmup; items in namespaces of 100`,
        `seeding the 10,000-item repository (50,000 loose objects, one commit) took ${round(large.buildMs / 1000, 1)} s`,
      ],
    };
  } finally {
    await small.store.close();
    await large.store.close();
    rmSync(small.dir, { recursive: true, force: true });
    rmSync(large.dir, { recursive: true, force: true });
  }
}
