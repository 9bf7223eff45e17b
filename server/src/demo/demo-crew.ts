import type { Role } from '../../../shared/src/roles';
import type { Actor } from '../actor';
import type { Runway } from '../runway';

/** The demo's people: authors (operators), release managers, an admin and an SLO exporter. */
export const TEAMS = ['payments', 'discovery', 'identity', 'growth'] as const;
export type Team = (typeof TEAMS)[number];

export const TEAM_CHANNELS: Record<Team, string> = {
  payments: '#payments-releases',
  discovery: '#discovery-experiments',
  identity: '#identity-rollouts',
  growth: '#growth-experiments',
};

export interface CrewMember {
  name: string;
  email: string;
  role: Role;
  /** The team an author works in; release managers and automation have none. */
  team: Team | null;
}

const member = (name: string, role: Role, team: Team | null): CrewMember => ({
  name,
  email: `${name}@example.com`,
  role,
  team,
});

export const CREW = [
  member('maya.chen', 'operator', 'payments'),
  member('sofia.rossi', 'operator', 'payments'),
  member('lucas.ferreira', 'operator', 'discovery'),
  member('kenji.watanabe', 'operator', 'discovery'),
  member('aisha.okafor', 'operator', 'identity'),
  member('ravi.kumar', 'operator', 'identity'),
  member('tom.becker', 'operator', 'growth'),
  member('nina.patel', 'operator', 'growth'),
  member('dana.whitfield', 'release-manager', null),
  member('omar.haddad', 'release-manager', null),
  member('grace.lin', 'release-manager', null),
  member('ines.moreau', 'admin', null),
  member('slo-exporter', 'admin', null),
] as const satisfies readonly CrewMember[];

export type CrewName = (typeof CREW)[number]['name'];

export const RELEASE_MANAGERS: readonly CrewName[] = CREW.filter(
  (person) => person.role === 'release-manager',
).map((person) => person.name);

/** Who sets up the demo's users: Runway itself, the way the local server bootstraps its admin. */
export const DEMO_SETUP_ACTOR: Actor = { userId: null, name: 'runway:demo-setup', role: 'admin' };
/** Reads the queue for the simulation. */
export const DEMO_READER: Actor = { userId: null, name: 'runway:demo', role: 'viewer' };

export interface Crew {
  actor(name: CrewName): Actor;
  /** The crew member behind an email or user name, if any. */
  find(nameOrEmail: string): CrewMember | null;
  isCrew(userName: string): boolean;
}

const crewByRunway = new WeakMap<Runway, Crew>();

/**
 * The demo crew as actors with their user ids. Seeding creates the missing users (through
 * AuthService.createToken, the only way users come to exist; the tokens are not kept, the
 * simulation acts for the crew through the services). Without `create`, returns null unless the
 * whole crew exists: a database that was never seeded as a demo is left alone.
 */
export function resolveCrew(runway: Runway, options: { create: true }): Crew;
export function resolveCrew(runway: Runway, options: { create: false }): Crew | null;
export function resolveCrew(runway: Runway, options: { create: boolean }): Crew | null {
  const cached = crewByRunway.get(runway);
  if (cached) return cached;
  const existing = new Map(
    runway.auth.listUsers(DEMO_SETUP_ACTOR).map((user) => [user.name, user.id]),
  );
  if (!options.create && CREW.some((person) => !existing.has(person.name))) return null;
  const ids = new Map<string, number>();
  for (const person of CREW) {
    const id =
      existing.get(person.name) ??
      runway.auth.createToken(
        { name: person.name, role: person.role, email: person.email },
        DEMO_SETUP_ACTOR,
      ).user.id;
    ids.set(person.name, id);
  }
  const byName = new Map<string, CrewMember>(CREW.map((person) => [person.name, person]));
  const byEmail = new Map<string, CrewMember>(CREW.map((person) => [person.email, person]));
  const crew: Crew = {
    actor: (name) => {
      const person = byName.get(name)!;
      return { userId: ids.get(name)!, name: person.name, role: person.role };
    },
    find: (nameOrEmail) => byName.get(nameOrEmail) ?? byEmail.get(nameOrEmail) ?? null,
    isCrew: (userName) => byName.has(userName),
  };
  crewByRunway.set(runway, crew);
  return crew;
}

/** Drops the cached ids, e.g. after a seed transaction that created the users rolled back. */
export function forgetCrew(runway: Runway): void {
  crewByRunway.delete(runway);
}

export function emailOf(name: CrewName): string {
  return `${name}@example.com`;
}
