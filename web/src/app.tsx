import { lazy, type ReactNode, Suspense, useEffect, useRef } from 'react';
import { AnnouncerProvider } from './announcer.tsx';
import { Loading } from './components/bits.tsx';
import { Layout } from './components/layout.tsx';
import { PageHeading, requestHeadingFocus } from './components/page-heading.tsx';
import { isKind } from './lib/labels.ts';
import { SearchPage } from './pages/search-page.tsx';
import { useLocation } from './router.tsx';
import { SessionProvider } from './session.tsx';

// Every page but search loads on demand: the first page carries no Markdown renderer, diff or zip reader.
const ItemPage = lazy(() => import('./pages/item-page.tsx'));
const TeamsPage = lazy(() => import('./pages/teams-page.tsx'));
const TeamPage = lazy(() => import('./pages/team-page.tsx'));
const PublishPage = lazy(() => import('./pages/publish-page.tsx'));
const AccountPage = lazy(() => import('./pages/account-page.tsx'));
const AdminPage = lazy(() => import('./pages/admin-page.tsx'));

function route(pathname: string): ReactNode {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return <SearchPage />;
  const [first, ...rest] = parts;
  if (isKind(first) && rest.length >= 2) {
    return <ItemPage kind={first} namespace={rest[0]!} name={rest[1]!} tab={rest[2]} />;
  }
  if (first === 'teams' && rest.length === 0) return <TeamsPage />;
  if (first === 'teams' && rest.length === 1) return <TeamPage slug={rest[0]!} />;
  if (first === 'publish' && rest.length === 0) return <PublishPage />;
  if (first === 'account' && rest.length === 0) return <AccountPage />;
  if (first === 'admin' && rest.length === 0) return <AdminPage />;
  return <NotFound />;
}

function NotFound() {
  useEffect(() => {
    document.title = 'Not found · Atlas';
  }, []);
  return (
    <>
      <PageHeading>Page not found</PageHeading>
      <p>
        There is nothing at this address. <a href="/">Search the catalog</a>.
      </p>
    </>
  );
}

/** After a change of page (not of its query), the focus goes to the new page's heading and the view to the top. */
function useFocusOnNavigation(pathname: string) {
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of page, which pathname names.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    // A page still loading takes the focus to its heading when that appears. The page being left may still be in
    // the document, hidden, while the next one loads: only a heading that shows counts.
    requestHeadingFocus();
    const headings = [...document.querySelectorAll<HTMLElement>('main h1')];
    headings.find((heading) => heading.checkVisibility())?.focus({ preventScroll: true });
  }, [pathname]);
}

function Routes() {
  const { pathname } = useLocation();
  useFocusOnNavigation(pathname.split('/').slice(0, 4).join('/'));
  return <Suspense fallback={<Loading what="Loading the page" />}>{route(pathname)}</Suspense>;
}

export function App() {
  return (
    <AnnouncerProvider>
      <SessionProvider>
        <Layout>
          <Routes />
        </Layout>
      </SessionProvider>
    </AnnouncerProvider>
  );
}
