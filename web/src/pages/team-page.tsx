import { type FormEvent, useEffect, useState } from 'react';
import type { Member, TeamRole } from '../../../src/entrypoints/http/schemas/teams.ts';
import { useAnnounce } from '../announcer.tsx';
import { ApiError, api, errorText } from '../api.ts';
import { ErrorBox, KindBadge, Loading } from '../components/bits.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { SortableHeader, useSorted } from '../components/sortable-table.tsx';
import { formatDay } from '../lib/format.ts';
import { keysOf, ROLE_LABELS } from '../lib/labels.ts';
import { useAsync } from '../lib/use-async.ts';
import { Link } from '../router.tsx';
import { useReader, useSession, whenKnown } from '../session.tsx';

const ROLES = keysOf(ROLE_LABELS);

export default function TeamPage({ slug }: { slug: string }) {
  const { me, refresh } = useSession();
  const reader = useReader();
  const team = useAsync((signal) => whenKnown(reader, () => api.team(slug, signal)), [slug, reader]);
  const items = useAsync(
    (signal) => whenKnown(reader, () => api.search({ team: slug, sort: 'name', limit: 20 }, signal)),
    [slug, reader],
  );
  const announce = useAnnounce();
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    document.title = `${team.data?.team.name ?? slug} · Teams · Atlas`;
  }, [slug, team.data]);

  const members = useSorted(
    team.data?.members ?? [],
    {
      member: (member: Member) => member.username,
      role: (member: Member) => ROLES.indexOf(member.role),
      since: (member: Member) => member.since,
    },
    'member',
  );
  const myRole = me?.teams.find((entry) => entry.team.slug === slug)?.role;
  const manages = myRole === 'owner' || me?.user.isAdmin === true;

  const act = async (what: string, action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      announce(what);
      team.reload();
      await refresh();
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const username = String(form.get('username') ?? '').trim();
    const role = String(form.get('role')) as TeamRole;
    void act(`${username} added as ${ROLE_LABELS[role].toLowerCase()}.`, async () => {
      await api.putMember(slug, username, role);
      formElement.reset();
    });
  };

  if (team.error !== undefined) {
    return (
      <>
        <PageHeading>Team {slug}</PageHeading>
        {team.error instanceof ApiError && team.error.status === 404 ? (
          <p>There is no such team.</p>
        ) : (
          <ErrorBox error={team.error} />
        )}
      </>
    );
  }
  return (
    <>
      <PageHeading>{team.data?.team.name ?? `Team ${slug}`}</PageHeading>
      {team.loading && !team.data && <Loading />}
      {team.data && (
        <>
          <p>
            <code>{team.data.team.slug}</code>
            {team.data.team.description && <> · {team.data.team.description}</>}
          </p>
          {error && <ErrorBox>{error}</ErrorBox>}
          <section aria-labelledby="members-heading">
            <h2 id="members-heading">Members</h2>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than the screen scrolls by keyboard. */}
            <section className="table-scroll" tabIndex={0} aria-label="Members table">
              <table>
                <thead>
                  <tr>
                    <SortableHeader label="Member" column="member" state={members} />
                    <SortableHeader label="Role" column="role" state={members} />
                    <SortableHeader label="Since" column="since" state={members} />
                    {manages && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {members.sorted.map((member) => (
                    <MemberRow
                      key={member.username}
                      member={member}
                      manages={manages}
                      isMe={member.username === me?.user.username}
                      onRole={(role) =>
                        act(`${member.username} is now ${ROLE_LABELS[role].toLowerCase()}.`, () =>
                          api.putMember(slug, member.username, role),
                        )
                      }
                      onRemove={() => act(`${member.username} removed.`, () => api.removeMember(slug, member.username))}
                    />
                  ))}
                </tbody>
              </table>
            </section>
            {manages && (
              <form className="inline-form" onSubmit={add}>
                <h3 className="visually-hidden">Add a member</h3>
                <div className="field">
                  <label htmlFor="member-username">Username to add</label>
                  <input id="member-username" name="username" required maxLength={64} autoComplete="off" />
                </div>
                <div className="field">
                  <label htmlFor="member-role">Role</label>
                  <select id="member-role" name="role" defaultValue="member">
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {ROLE_LABELS[role]}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit" className="button primary">
                  Add member
                </button>
              </form>
            )}
            {myRole && !manages && (
              <p>
                <button
                  type="button"
                  className="button"
                  onClick={() => void act('You left the team.', () => api.removeMember(slug, me!.user.username))}
                >
                  Leave the team
                </button>
              </p>
            )}
          </section>
        </>
      )}
      <section aria-labelledby="team-items">
        <h2 id="team-items">Items</h2>
        {items.loading && <Loading />}
        {items.data && items.data.items.length === 0 && <p>This team has published nothing you can see yet.</p>}
        {items.data && items.data.items.length > 0 && (
          <ul className="plain-list">
            {items.data.items.map((item) => (
              <li key={item.ref}>
                <KindBadge kind={item.kind} />{' '}
                <Link to={`/${item.kind}/${item.namespace}/${item.name}`}>
                  {item.namespace}/{item.name}
                </Link>{' '}
                <span className="muted">{item.description}</span>
              </li>
            ))}
          </ul>
        )}
        {items.data?.nextCursor && (
          <p>
            <Link to={`/?team=${encodeURIComponent(slug)}&sort=name`}>All of the team's items</Link>
          </p>
        )}
      </section>
    </>
  );
}

function MemberRow({
  member,
  manages,
  isMe,
  onRole,
  onRemove,
}: {
  member: Member;
  manages: boolean;
  isMe: boolean;
  onRole: (role: TeamRole) => void;
  onRemove: () => void;
}) {
  const id = `role-${member.username}`;
  return (
    <tr>
      <th scope="row">
        {member.displayName && member.displayName !== member.username ? `${member.displayName} ` : ''}
        <span className="muted">@{member.username}</span>
        {isMe && <span className="muted"> (you)</span>}
      </th>
      <td>
        {manages ? (
          <>
            <label htmlFor={id} className="visually-hidden">
              Role of {member.username}
            </label>
            <select id={id} value={member.role} onChange={(event) => onRole(event.target.value as TeamRole)}>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {ROLE_LABELS[role]}
                </option>
              ))}
            </select>
          </>
        ) : (
          ROLE_LABELS[member.role]
        )}
      </td>
      <td>
        <time dateTime={member.since}>{formatDay(member.since)}</time>
      </td>
      {manages && (
        <td>
          <button type="button" className="button small" onClick={onRemove}>
            Remove <span className="visually-hidden">{member.username}</span>
          </button>
        </td>
      )}
    </tr>
  );
}
