import type { Role } from '../../../shared/src/roles';
import { Link } from './link';
import { useLocation } from './router';
import { matchRoute, type RouteName } from './routes';

const SECTIONS: ReadonlyArray<{ path: string; label: string; routes: readonly RouteName[] }> = [
  { path: '/queue', label: 'Queue', routes: ['queue', 'experiment'] },
  { path: '/graph', label: 'Graph', routes: ['graph'] },
  { path: '/overview', label: 'Overview', routes: ['overview'] },
  { path: '/plan', label: 'Plan', routes: ['plan'] },
  { path: '/audit', label: 'Audit log', routes: ['audit'] },
];

interface NavBarProps {
  user: { name: string; role: Role };
  onSignOut(): void;
}

export function NavBar({ user, onSignOut }: NavBarProps) {
  const route = matchRoute(useLocation((state) => state.path));
  return (
    <header className="nav-bar">
      <Link to="/queue" className="nav-bar__brand">
        Runway
      </Link>
      <nav aria-label="Views">
        <ul className="nav-bar__links">
          {SECTIONS.map((section) => (
            <li key={section.path}>
              <Link
                to={section.path}
                className={
                  section.routes.includes(route.name)
                    ? 'nav-bar__link nav-bar__link--active'
                    : 'nav-bar__link'
                }
              >
                {section.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="nav-bar__user" data-testid="current-user">
        <span className="nav-bar__name">{user.name}</span>
        <span className={`role-badge role-badge--${user.role}`} title="your role">
          {user.role}
        </span>
        <button type="button" className="button button--quiet" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
