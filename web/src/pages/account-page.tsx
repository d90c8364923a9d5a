import { type FormEvent, useEffect, useId, useState } from 'react';
import type { FieldProblem } from '../../../src/entrypoints/http/schemas/problem.ts';
import type { CreatedToken, Token } from '../../../src/entrypoints/http/schemas/tokens.ts';
import { useAnnounce } from '../announcer.tsx';
import { ApiError, api, errorText } from '../api.ts';
import { ErrorBox, Loading, Time } from '../components/bits.tsx';
import { CodeBlock } from '../components/copy-button.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { useAsync } from '../lib/use-async.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';

export default function AccountPage() {
  const { me } = useSession();
  useEffect(() => {
    document.title = me ? 'Your account · Atlas' : 'Sign in · Atlas';
  }, [me]);
  if (me === undefined) {
    return (
      <>
        <PageHeading>Account</PageHeading>
        <Loading />
      </>
    );
  }
  return me ? <SignedIn /> : <SignedOut />;
}

/** A form's error: the sentence, and each field's problem beside its field. */
function useFormErrors() {
  const [error, setError] = useState<string | undefined>(undefined);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  return {
    error,
    take(caught: unknown) {
      setError(errorText(caught));
      setProblems(caught instanceof ApiError ? caught.problems : []);
    },
    clear() {
      setError(undefined);
      setProblems([]);
    },
    of: (field: string) => problems.find((problem) => problem.path === field || problem.path.endsWith(`/${field}`)),
  };
}

function Field({
  id,
  label,
  problem,
  hint,
  ...input
}: {
  id: string;
  label: string;
  problem?: FieldProblem;
  hint?: string;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  const described = [hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={problem ? true : undefined} aria-describedby={described || undefined} {...input} />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {problem && (
        <p id={`${id}-problem`} className="field-problem">
          {problem.message}
        </p>
      )}
    </div>
  );
}

function SignedOut() {
  const { accept } = useSession();
  const announce = useAnnounce();
  const signIn = useFormErrors();
  const register = useFormErrors();

  const submitSignIn = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.clear();
    try {
      accept(
        await api.signIn({ login: String(form.get('login') ?? ''), password: String(form.get('password') ?? '') }),
      );
      announce('Signed in.');
    } catch (caught) {
      signIn.take(caught);
    }
  };
  const submitRegister = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    register.clear();
    try {
      accept(
        await api.register({
          email: String(form.get('email') ?? '').trim(),
          username: String(form.get('username') ?? '').trim(),
          password: String(form.get('password') ?? ''),
          displayName: String(form.get('displayName') ?? '').trim() || undefined,
        }),
      );
      announce('Account created; you are signed in.');
    } catch (caught) {
      register.take(caught);
    }
  };

  return (
    <>
      <PageHeading>Sign in</PageHeading>
      <div className="two-columns">
        <section aria-labelledby="sign-in-heading" className="card">
          <h2 id="sign-in-heading">Sign in</h2>
          <form className="stack-form" onSubmit={submitSignIn}>
            {signIn.error && <ErrorBox>{signIn.error}</ErrorBox>}
            <Field id="login" name="login" label="Email or username" autoComplete="username" required maxLength={254} />
            <Field
              id="password"
              name="password"
              type="password"
              label="Password"
              autoComplete="current-password"
              required
              maxLength={256}
            />
            <button type="submit" className="button primary">
              Sign in
            </button>
          </form>
        </section>
        <section aria-labelledby="register-heading" className="card">
          <h2 id="register-heading">Create an account</h2>
          <form className="stack-form" onSubmit={submitRegister}>
            {register.error && <ErrorBox>{register.error}</ErrorBox>}
            <Field
              id="register-email"
              name="email"
              type="email"
              label="Email"
              autoComplete="email"
              required
              maxLength={254}
              problem={register.of('email')}
            />
            <Field
              id="register-username"
              name="username"
              label="Username"
              autoComplete="username"
              required
              maxLength={39}
              hint="Lowercase letters, digits and hyphens; it is also your personal namespace."
              problem={register.of('username')}
            />
            <Field
              id="register-name"
              name="displayName"
              label="Display name (optional)"
              autoComplete="name"
              maxLength={100}
              problem={register.of('displayName')}
            />
            <Field
              id="register-password"
              name="password"
              type="password"
              label="Password"
              autoComplete="new-password"
              required
              maxLength={256}
              hint="A long passphrase; common passwords are refused."
              problem={register.of('password')}
            />
            <button type="submit" className="button primary">
              Create account
            </button>
          </form>
        </section>
      </div>
    </>
  );
}

function SignedIn() {
  const { me, signOut, accept } = useSession();
  const announce = useAnnounce();
  const [error, setError] = useState<string | undefined>(undefined);
  if (!me) return null;
  const out = async (everywhere: boolean) => {
    setError(undefined);
    try {
      if (everywhere) {
        await api.signOutEverywhere();
        accept({ me: null, csrfToken: null });
      } else await signOut();
      announce('Signed out.');
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  return (
    <>
      <PageHeading>Your account</PageHeading>
      {error && <ErrorBox>{error}</ErrorBox>}
      <dl className="facts">
        <div>
          <dt>Username</dt>
          <dd>{me.user.username}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{me.user.email}</dd>
        </div>
        <div>
          <dt>Name</dt>
          <dd>{me.user.displayName || me.user.username}</dd>
        </div>
        {me.user.isAdmin && (
          <div>
            <dt>Role</dt>
            <dd>
              Site administrator (<Link to="/admin">admin pages</Link>)
            </dd>
          </div>
        )}
        <div>
          <dt>Teams</dt>
          <dd>
            {me.teams.length === 0
              ? 'None yet'
              : me.teams.map(({ team, role }, index) => (
                  <span key={team.id}>
                    {index > 0 && ', '}
                    <Link to={`/teams/${team.slug}`}>{team.name}</Link> ({role})
                  </span>
                ))}
          </dd>
        </div>
      </dl>
      <p className="button-row">
        <button type="button" className="button" onClick={() => void out(false)}>
          Sign out
        </button>
        <button type="button" className="button" onClick={() => void out(true)}>
          Sign out everywhere
        </button>
      </p>
      <Tokens />
    </>
  );
}

const EXPIRIES = [
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: 'One year' },
] as const;

function Tokens() {
  const tokens = useAsync(() => api.tokens(), []);
  const announce = useAnnounce();
  const errors = useFormErrors();
  const [created, setCreated] = useState<CreatedToken | undefined>(undefined);
  const [revoking, setRevoking] = useState<string | undefined>(undefined);
  const nameId = useId();

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const days = Number(form.get('expiry'));
    errors.clear();
    try {
      const answer = await api.createToken({
        name: String(form.get('name') ?? '').trim(),
        expiresAt: new Date(Date.now() + days * 86_400_000).toISOString(),
        scopes: [form.get('scope') === 'registry:read' ? 'registry:read' : 'full'],
      });
      setCreated(answer);
      formElement.reset();
      announce(`Token ${answer.token.name} created. Copy it now: it is shown only once.`);
      tokens.reload();
    } catch (caught) {
      errors.take(caught);
    }
  };
  const revoke = async (token: Token) => {
    try {
      await api.revokeToken(token.id);
      announce(`Token ${token.name} revoked.`);
      setRevoking(undefined);
      if (created?.token.id === token.id) setCreated(undefined);
      tokens.reload();
    } catch (caught) {
      errors.take(caught);
    }
  };

  const personal = tokens.data?.items.filter((token) => token.kind !== 'session') ?? [];
  const sessions = tokens.data?.items.filter((token) => token.kind === 'session' && !token.revokedAt) ?? [];
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p>
        Personal tokens let the <code>atlas</code> CLI, scripts and CI act as you: send one as{' '}
        <code>Authorization: Bearer …</code>.
      </p>
      <form className="inline-form" onSubmit={create}>
        {errors.error && <ErrorBox>{errors.error}</ErrorBox>}
        <div className="field grow">
          <label htmlFor={nameId}>Token name</label>
          <input id={nameId} name="name" required maxLength={100} placeholder="laptop CLI" />
        </div>
        <div className="field">
          <label htmlFor={`${nameId}-expiry`}>Expires in</label>
          <select id={`${nameId}-expiry`} name="expiry" defaultValue="90">
            {EXPIRIES.map((expiry) => (
              <option key={expiry.days} value={expiry.days}>
                {expiry.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${nameId}-scope`}>Can</label>
          <select id={`${nameId}-scope`} name="scope" defaultValue="full">
            <option value="full">Do what I can do</option>
            <option value="registry:read">Only read the MCP registry</option>
          </select>
        </div>
        <button type="submit" className="button primary">
          Create token
        </button>
      </form>
      {created && (
        <div className="notice success">
          <h3 id="new-token-heading">Your new token “{created.token.name}”</h3>
          <p>Copy it now: Atlas keeps only a hash of it and cannot show it again.</p>
          <CodeBlock title="Token" copyLabel="the token" text={created.secret} />
          <button type="button" className="button small" onClick={() => setCreated(undefined)}>
            I have copied it
          </button>
        </div>
      )}
      {tokens.loading && <Loading />}
      {tokens.error !== undefined && <ErrorBox error={tokens.error} />}
      {tokens.data && (
        <>
          <TokenTable
            caption="Personal tokens"
            tokens={personal}
            revoking={revoking}
            onAsk={setRevoking}
            onRevoke={revoke}
          />
          <TokenTable
            caption="Signed-in sessions"
            tokens={sessions}
            revoking={revoking}
            onAsk={setRevoking}
            onRevoke={revoke}
          />
        </>
      )}
    </section>
  );
}

function TokenTable({
  caption,
  tokens,
  revoking,
  onAsk,
  onRevoke,
}: {
  caption: string;
  tokens: Token[];
  revoking: string | undefined;
  onAsk: (id: string | undefined) => void;
  onRevoke: (token: Token) => void;
}) {
  if (tokens.length === 0) return <p>No {caption.toLowerCase()}.</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than the screen scrolls by keyboard.
    <section className="table-scroll" tabIndex={0} aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Starts with</th>
            <th scope="col">Scope</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => {
            const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() < Date.now();
            return (
              <tr key={token.id}>
                <th scope="row">{token.name}</th>
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>{token.scopes.includes('full') ? 'Full' : token.scopes.join(', ')}</td>
                <td>
                  <Time iso={token.createdAt} />
                </td>
                <td>{token.expiresAt ? <Time iso={token.expiresAt} /> : 'Never'}</td>
                <td>{token.lastUsedAt ? <Time iso={token.lastUsedAt} relative /> : 'Never'}</td>
                <td>
                  {token.revokedAt ? (
                    'Revoked'
                  ) : expired ? (
                    'Expired'
                  ) : revoking === token.id ? (
                    <span className="button-row">
                      <button type="button" className="button small danger" onClick={() => onRevoke(token)}>
                        Revoke {token.name} now
                      </button>
                      <button type="button" className="button small" onClick={() => onAsk(undefined)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="button small" onClick={() => onAsk(token.id)}>
                      Revoke <span className="visually-hidden">{token.name}</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
