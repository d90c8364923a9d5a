import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { ConflictError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { buildItem } from '../../domain/testing/builders.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import {
  atlasState,
  auditTrail,
  databaseWithFailingAudit,
  IP,
  ManualClock,
  signUp,
} from '../testing/use-case-helpers.ts';
import { createTeam } from './create-team.ts';

async function setUp() {
  const clock = new ManualClock();
  const deps = createInMemoryDeps({}, { clock });
  await signUp(deps, 'ada');
  const alice = await signUp(deps, 'alice');
  return { clock, deps, alice };
}

describe('createTeam', () => {
  it('creates the team, claims its slug as a namespace and makes its creator the owner', async () => {
    const { clock, deps, alice } = await setUp();
    const team = await createTeam(
      deps,
      { slug: 'Platform', name: '  Platform team ', description: 'Builds the platform.' },
      alice,
    );

    expect(team).toMatchObject({ slug: 'platform', name: 'Platform team', description: 'Builds the platform.' });
    expect(await deps.db.teams.findBySlug('platform')).toEqual(team);
    expect(team.createdAt).toEqual(clock.now());
    expect(await deps.db.namespaces.findByName('platform')).toEqual({
      name: 'platform',
      kind: 'team',
      teamId: team.id,
    });
    const members = await deps.db.teams.listMembers(team.id);
    expect(members.map((m) => [m.username, m.role])).toEqual([['alice', 'owner']]);
    const [entry] = await auditTrail(deps, 'team.create');
    expect(entry).toMatchObject({
      actorName: 'alice',
      target: 'team/platform',
      ip: IP,
      details: { name: 'Platform team' },
    });
  });

  it('writes team, membership and audit entry in one transaction: a failure leaves none of them', async () => {
    const { deps, alice } = await setUp();
    const before = await atlasState(deps);
    await expect(
      createTeam({ ...deps, db: databaseWithFailingAudit(deps.db) }, { slug: 'data', name: 'Data' }, alice),
    ).rejects.toThrow('the audit log is full');
    expect(await atlasState(deps)).toEqual(before);
    expect(await deps.db.namespaces.findByName('data')).toBeUndefined();
  });

  it('defaults the description to empty', async () => {
    const { deps, alice } = await setUp();
    const team = await createTeam(deps, { slug: 'data', name: 'Data' }, alice);
    expect((await deps.db.teams.findById(team.id))?.description).toBe('');
  });

  it('refuses a slug a user already holds, in any case, with ConflictError and writes nothing', async () => {
    const { deps, alice } = await setUp();
    const before = await atlasState(deps);
    await expect(createTeam(deps, { slug: 'ALICE', name: 'Alice' }, alice)).rejects.toBeInstanceOf(ConflictError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses a slug another team already holds with ConflictError and writes nothing', async () => {
    const { deps, alice } = await setUp();
    const bob = await signUp(deps, 'bob');
    await createTeam(deps, { slug: 'platform', name: 'Platform' }, alice);
    const before = await atlasState(deps);
    await expect(createTeam(deps, { slug: 'platform', name: 'Mine' }, bob)).rejects.toBeInstanceOf(ConflictError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('reports every problem of slug, name and description at once with ValidationError and writes nothing', async () => {
    const { deps, alice } = await setUp();
    const before = await atlasState(deps);
    const error = await createTeam(deps, { slug: 'a', name: '  ', description: 'x'.repeat(1001) }, alice).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['slug', 'name', 'description']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses a reserved slug with ValidationError', async () => {
    const { deps, alice } = await setUp();
    const error = await createTeam(deps, { slug: 'admin', name: 'Admins' }, alice).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['slug']);
    expect(await deps.db.teams.findBySlug('admin')).toBeUndefined();
  });

  it('refuses an anonymous caller with UnauthenticatedError and writes nothing', async () => {
    const { deps } = await setUp();
    const before = await atlasState(deps);
    await expect(createTeam(deps, { slug: 'data', name: 'Data' }, anonymous())).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('queues a sync of folders git already holds under the slug, recorded as invalid for want of an owner', async () => {
    const { deps, alice } = await setUp();
    await deps.db.items.insert(buildItem('mcp/data/orphan', { status: 'invalid' }));
    await createTeam(deps, { slug: 'data', name: 'Data' }, alice);
    expect(await deps.db.sync.countJobs('queued')).toBe(1);
  });

  it('queues no sync for a slug under which git holds nothing', async () => {
    const { deps, alice } = await setUp();
    await createTeam(deps, { slug: 'data', name: 'Data' }, alice);
    expect(await deps.db.sync.countJobs('queued')).toBe(0);
  });
});
