import { type FormEvent, useEffect, useState } from 'react';
import { useAnnounce } from '../announcer.tsx';
import { api, errorText } from '../api.ts';
import { ErrorBox, Loading } from '../components/bits.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { useAsync } from '../lib/use-async.ts';
import { Link, navigate, useLocation, withParams } from '../router.tsx';
import { useSession } from '../session.tsx';

export default function TeamsPage() {
  const location = useLocation();
  const cursor = location.params.get('cursor') ?? undefined;
  const { me, refresh } = useSession();
  const teams = useAsync(() => (me ? api.teams(cursor) : Promise.resolve(undefined)), [cursor, me?.user.id]);
  const announce = useAnnounce();
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    document.title = 'Teams · Atlas';
  }, []);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(undefined);
    try {
      const { team } = await api.createTeam({
        slug: String(form.get('slug') ?? '').trim(),
        name: String(form.get('name') ?? '').trim(),
        description: String(form.get('description') ?? '').trim() || undefined,
      });
      announce(`Team ${team.name} created.`);
      await refresh();
      navigate(`/teams/${team.slug}`);
    } catch (caught) {
      setError(errorText(caught));
    }
  };

  return (
    <>
      <PageHeading>Teams</PageHeading>
      {me === null && (
        <p>
          <Link to="/account">Sign in</Link> to see the teams.
        </p>
      )}
      {me && me.teams.length > 0 && (
        <section aria-labelledby="my-teams">
          <h2 id="my-teams">Your teams</h2>
          <ul className="plain-list">
            {me.teams.map(({ team, role }) => (
              <li key={team.id}>
                <Link to={`/teams/${team.slug}`}>{team.name}</Link> <span className="muted">({role})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {me && (
        <section aria-labelledby="all-teams">
          <h2 id="all-teams">All teams</h2>
          {teams.loading && <Loading />}
          {teams.error !== undefined && <ErrorBox error={teams.error} />}
          {teams.data && teams.data.items.length === 0 && <p>No teams yet.</p>}
          {teams.data && teams.data.items.length > 0 && (
            <ul className="team-list">
              {teams.data.items.map((team) => (
                <li key={team.id}>
                  <Link to={`/teams/${team.slug}`}>{team.name}</Link> <code className="muted">{team.slug}</code>
                  {team.description && <p>{team.description}</p>}
                </li>
              ))}
            </ul>
          )}
          <nav className="pager" aria-label="Team pages">
            {cursor && <Link to={withParams(location, { cursor: undefined })}>First page</Link>}
            {teams.data?.nextCursor && (
              <Link to={withParams(location, { cursor: teams.data.nextCursor })}>Next page</Link>
            )}
          </nav>
        </section>
      )}
      {me && (
        <section aria-labelledby="new-team">
          <h2 id="new-team">Create a team</h2>
          <form className="stack-form" onSubmit={create}>
            {error && <ErrorBox>{error}</ErrorBox>}
            <div className="field">
              <label htmlFor="team-slug">Short name</label>
              <input
                id="team-slug"
                name="slug"
                required
                maxLength={39}
                pattern="[a-z0-9]+(-[a-z0-9]+)*"
                aria-describedby="team-slug-hint"
              />
              <p id="team-slug-hint" className="hint">
                Lowercase letters, digits and single hyphens; it becomes the team's namespace.
              </p>
            </div>
            <div className="field">
              <label htmlFor="team-name">Name</label>
              <input id="team-name" name="name" required maxLength={100} />
            </div>
            <div className="field">
              <label htmlFor="team-description">Description (optional)</label>
              <textarea id="team-description" name="description" maxLength={1000} rows={2} />
            </div>
            <button type="submit" className="button primary">
              Create team
            </button>
          </form>
        </section>
      )}
    </>
  );
}
