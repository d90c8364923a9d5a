import type { ReactNode } from 'react';
import { Link, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';

function NavLink({ to, children }: { to: string; children: ReactNode }) {
  const { pathname } = useLocation();
  const current = to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
  return (
    <Link to={to} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { me } = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            <svg aria-hidden="true" viewBox="0 0 32 32" width="28" height="28" focusable="false">
              <rect width="32" height="32" rx="7" className="brand-mark" />
              <path
                d="M16 6 7 26h4.2l1.8-4.3h6l1.8 4.3H25L16 6Zm-1.6 12.3L16 14l1.6 4.3h-3.2Z"
                className="brand-letter"
              />
            </svg>
            <span>Atlas</span>
          </Link>
          <nav aria-label="Main">
            <ul>
              <li>
                <NavLink to="/">Browse</NavLink>
              </li>
              <li>
                <NavLink to="/teams">Teams</NavLink>
              </li>
              <li>
                <NavLink to="/publish">Publish</NavLink>
              </li>
              {me?.user.isAdmin && (
                <li>
                  <NavLink to="/admin">Admin</NavLink>
                </li>
              )}
              <li>
                <NavLink to="/account">{me ? me.user.username : 'Sign in'}</NavLink>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>
          Atlas · <a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI</a>
        </p>
      </footer>
    </>
  );
}
