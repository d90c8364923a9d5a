import { describe, expect, it } from 'vitest';
import { anonymous } from '../../domain/accounts/actor.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../domain/errors.ts';
import { buildItem } from '../../domain/testing/builders.ts';
import { createInMemoryDeps } from '../../testing/in-memory-deps.ts';
import { atlasState, auditTrail, IP, ManualClock, PASSWORD } from '../testing/use-case-helpers.ts';
import { authenticate } from './authenticate.ts';
import { registerUser } from './register-user.ts';

const input = (username: string, overrides: Record<string, unknown> = {}) => ({
  email: `${username}@example.com`,
  username,
  password: PASSWORD,
  ...overrides,
});

describe('registerUser', () => {
  it('creates the account, signs it in with a session token and audits the registration', async () => {
    const clock = new ManualClock();
    const deps = createInMemoryDeps({}, { clock });
    const { user, token } = await registerUser(
      deps,
      input('alice', { displayName: '  Alice Liddell ' }),
      anonymous(IP),
    );

    const stored = await deps.db.users.findByUsername('alice');
    expect(stored).toMatchObject({ id: user.id, email: 'alice@example.com', displayName: 'Alice Liddell' });
    expect(stored?.createdAt).toEqual(clock.now());
    const actor = await authenticate(deps, token, IP);
    expect(actor.user?.id).toBe(user.id);
    const [session] = await deps.db.tokens.listByUser(user.id);
    expect(session).toMatchObject({
      kind: 'session',
      expiresAt: new Date(clock.now().getTime() + deps.accounts.sessionTtlMs),
    });
    expect(await deps.db.namespaces.findByName('alice')).toEqual({ name: 'alice', kind: 'user', userId: user.id });
    const [entry] = await auditTrail(deps, 'user.register');
    expect(entry).toMatchObject({ actorId: user.id, actorName: 'alice', target: 'user/alice', ip: IP });
  });

  it('makes the first account of an empty instance site admin, and no later one', async () => {
    const deps = createInMemoryDeps();
    const first = await registerUser(deps, input('ada'), anonymous());
    const second = await registerUser(deps, input('bob'), anonymous());
    expect(first.user.isAdmin).toBe(true);
    expect(second.user.isAdmin).toBe(false);
    expect((await deps.db.users.findByUsername('bob'))?.isAdmin).toBe(false);
    expect((await auditTrail(deps, 'user.register')).map((e) => e.details)).toEqual([
      { admin: true },
      { admin: false },
    ]);
  });

  it('makes exactly one admin when two first registrations race', async () => {
    const deps = createInMemoryDeps();
    const results = await Promise.all([
      registerUser(deps, input('ada'), anonymous()),
      registerUser(deps, input('bob'), anonymous()),
    ]);
    expect(results.filter((r) => r.user.isAdmin)).toHaveLength(1);
    const users = (await deps.db.users.list({ limit: 10 })).items;
    expect(users.filter((u) => u.isAdmin)).toHaveLength(1);
  });

  it('lets the very first account register on a closed instance, and it becomes admin', async () => {
    const deps = createInMemoryDeps({ registration: 'closed' });
    const { user } = await registerUser(deps, input('ada'), anonymous());
    expect(user.isAdmin).toBe(true);
    expect(await deps.db.users.count()).toBe(1);
  });

  it('refuses a second registration on a closed instance with ForbiddenError and writes nothing', async () => {
    const deps = createInMemoryDeps({ registration: 'closed' });
    await registerUser(deps, input('ada'), anonymous());
    const before = await atlasState(deps);
    await expect(registerUser(deps, input('bob'), anonymous())).rejects.toBeInstanceOf(ForbiddenError);
    expect(await atlasState(deps)).toEqual(before);
    expect(await deps.db.users.findByUsername('bob')).toBeUndefined();
  });

  it('lets only one of two racing first registrations through on a closed instance', async () => {
    const deps = createInMemoryDeps({ registration: 'closed' });
    const results = await Promise.allSettled([
      registerUser(deps, input('ada'), anonymous()),
      registerUser(deps, input('bob'), anonymous()),
    ]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(ForbiddenError);
    const users = (await deps.db.users.list({ limit: 10 })).items;
    expect(users).toHaveLength(1);
    expect(users[0]?.isAdmin).toBe(true);
    expect(await auditTrail(deps, 'user.register')).toHaveLength(1);
  });

  it('reports every problem of the account fields at once with ValidationError and writes nothing', async () => {
    const deps = createInMemoryDeps();
    const before = await atlasState(deps);
    const error = await registerUser(
      deps,
      { email: 'not-an-email', username: '-x-', password: PASSWORD, displayName: 42 },
      anonymous(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['email', 'username', 'displayName']);
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses the commonest passwords, whatever their case, suffix or look-alike characters', async () => {
    const deps = createInMemoryDeps();
    for (const password of ['1234567890', 'QwertyUiop', '1q2w3e4r5t', 'Password2024!', 'P@ssw0rd123', 'iloveyou12']) {
      const error = await registerUser(deps, input('carol', { password }), anonymous()).catch((e: unknown) => e);
      expect(error, password).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems).toEqual([
        { path: 'password', message: 'is too common; choose another' },
      ]);
    }
    expect(await deps.db.users.count()).toBe(0);
    // Digits alone are not common by being digits, and a long phrase is not common by holding a stem.
    await registerUser(deps, input('carol', { password: '8302957146' }), anonymous());
    await registerUser(deps, input('dave', { password: 'dragon fruit on the window sill' }), anonymous());
    expect(await deps.db.users.count()).toBe(2);
  });

  it('reports every problem of the password at once, without echoing it', async () => {
    const deps = createInMemoryDeps();
    const error = await registerUser(deps, input('carol', { password: 'carolcaro' }), anonymous()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems.map((p) => p.path)).toEqual(['password', 'password']);
    expect(problems.map((p) => p.message)).toEqual([
      'must be at least 10 characters',
      'must not contain your username or email',
    ]);
    expect(JSON.stringify(problems)).not.toContain('carolcaro');
    expect(await deps.db.users.count()).toBe(0);
  });

  it('refuses a taken username, in any case, with ConflictError and writes nothing', async () => {
    const deps = createInMemoryDeps();
    await registerUser(deps, input('ada'), anonymous());
    const before = await atlasState(deps);
    await expect(registerUser(deps, input('ADA', { email: 'other@example.com' }), anonymous())).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('refuses a taken email, in any case, with ConflictError and writes nothing', async () => {
    const deps = createInMemoryDeps();
    await registerUser(deps, input('ada'), anonymous());
    const before = await atlasState(deps);
    await expect(registerUser(deps, input('bob', { email: 'ADA@Example.com' }), anonymous())).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await atlasState(deps)).toEqual(before);
  });

  it('stores only an argon2id hash of the password and never audits it', async () => {
    const deps = createInMemoryDeps();
    const { user } = await registerUser(deps, input('ada'), anonymous());
    const stored = await deps.db.users.findById(user.id);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored?.passwordHash).not.toContain(PASSWORD);
    expect(await deps.passwords.verify(stored!.passwordHash!, PASSWORD)).toBe(true);
    expect(JSON.stringify(await auditTrail(deps))).not.toContain(PASSWORD);
  });

  it('queues a sync of folders git already holds in the new namespace, recorded as invalid for want of an owner', async () => {
    const deps = createInMemoryDeps();
    await deps.db.items.insert(buildItem('skill/ada/orphan', { status: 'invalid' }));
    await registerUser(deps, input('ada'), anonymous());
    expect(await deps.db.sync.countJobs('queued')).toBe(1);
  });

  it('queues no sync when the new namespace holds no invalid folder', async () => {
    const deps = createInMemoryDeps();
    await deps.db.items.insert(buildItem('skill/other/orphan', { status: 'invalid' }));
    await registerUser(deps, input('ada'), anonymous());
    expect(await deps.db.sync.countJobs('queued')).toBe(0);
  });
});
