import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { ConflictError, ForbiddenError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { buildItem } from '../../domain/testing/builders.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { atlasState, auditTrail, ManualClock, PASSWORD, setUpTeam, signUp } from '../testing/use-case-helpers.ts';
import { createUser } from './create-user.ts';
import { loginUser } from './login-user.ts';

const input = (username: string, overrides: Record<string, unknown> = {}) => ({
  email: `${username}@example.com`,
  username,
  password: PASSWORD,
  ...overrides,
});

async function setUp(settings: Parameters<typeof createInMemoryDeps>[0] = { registration: 'closed' }) {
  const clock = new ManualClock();
  const deps = createInMemoryDeps(settings, { clock });
  const admin = await signUp(deps, 'ada');
  return { clock, deps, admin };
}

describe('createUser', () => {
  it('lets an administrator create an account on a closed instance, which can then sign in', async () => {
    const { clock, deps, admin } = await setUp();
    const user = await createUser(deps, input('bob', { displayName: 'Bob B.' }), admin);

    expect(await deps.db.users.findByUsername('bob')).toEqual(user);
    expect(user).toMatchObject({ email: 'bob@example.com', displayName: 'Bob B.', isAdmin: false });
    expect(user.createdAt).toEqual(clock.now());
    expect((await loginUser(deps, { login: 'bob', password: PASSWORD }, anonymous())).user.id).toBe(user.id);
    const [entry] = await auditTrail(deps, 'user.create');
    expect(entry).toMatchObject({ actorName: 'ada', target: 'user/bob', details: { admin: false } });
  });

  it('creates another administrator when asked', async () => {
    const { deps, admin } = await setUp();
    await createUser(deps, input('root2', { isAdmin: true }), admin);
    expect((await deps.db.users.findByUsername('root2'))?.isAdmin).toBe(true);
    expect((await auditTrail(deps, 'user.create'))[0]?.details).toEqual({ admin: true });
  });

  it('refuses anyone but an administrator with ForbiddenError and writes nothing', async () => {
    const { deps, admin } = await setUp({ registration: 'open' });
    const bob = await signUp(deps, 'bob');
    const before = await atlasState(deps);
    await expect(createUser(deps, input('carol'), bob)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await atlasState(deps)).toEqual(before);
    expect(admin.user.isAdmin).toBe(true);
  });

  it('refuses an anonymous caller with UnauthenticatedError', async () => {
    const { deps } = await setUp();
    await expect(createUser(deps, input('carol'), anonymous())).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(await deps.db.users.findByUsername('carol')).toBeUndefined();
  });

  it('refuses bad fields with ValidationError naming each of them, and writes nothing', async () => {
    const { deps, admin } = await setUp();
    const before = await atlasState(deps);
    const error = await createUser(deps, { email: 'nope', username: 'x', password: PASSWORD }, admin).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['email', 'username']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses an isAdmin that is not a boolean with ValidationError', async () => {
    const { deps, admin } = await setUp();
    const error = await createUser(deps, input('carol', { isAdmin: 'yes' }), admin).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([{ path: 'isAdmin', message: 'must be true or false' }]);
    expect(await deps.db.users.findByUsername('carol')).toBeUndefined();
  });

  it('refuses a username a team already holds, in any case, with ConflictError and writes nothing', async () => {
    const { deps, admin } = await setUp();
    await setUpTeam(deps, 'platform', admin);
    const before = await atlasState(deps);
    await expect(createUser(deps, input('Platform'), admin)).rejects.toBeInstanceOf(ConflictError);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('queues a sync of invalid folders already in git under the new username', async () => {
    const { deps, admin } = await setUp();
    await deps.db.items.insert(buildItem('tool/bob/orphan', { status: 'invalid' }));
    await createUser(deps, input('bob'), admin);
    expect(await deps.db.sync.countJobs('queued')).toBe(1);
  });
});
