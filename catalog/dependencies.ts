/** Parts of aidb that run and can fail on their own. */
export const components = ['service', 'agent', 'backups'] as const;
export type Component = (typeof components)[number];

export const dependencyNames = ['postgres', 'redis', 'qdrant', 'embeddings'] as const;
export type DependencyName = (typeof dependencyNames)[number];

/**
 * How aidb runs: `embedded` keeps PostgreSQL (PGlite), cache and embedder in process, `external`
 * uses the servers configured. The configuration offers these; dependencies say where they exist.
 */
export const profiles = ['embedded', 'external'] as const;
export type Profile = (typeof profiles)[number];

export interface DependencyDef {
  readonly name: DependencyName;
  readonly title: string;
  /** A critical dependency failing makes the service unready; a non-critical one degrades it. */
  readonly critical: boolean;
  /** Profiles in which the dependency is a separate server that can fail independently. */
  readonly profiles: readonly Profile[];
  /** When it is used at all (some are optional even in the external profile). */
  readonly when: string;
  /** Components that call it, so a runbook can say who suffers when it fails. */
  readonly usedBy: readonly Component[];
}

export interface ComponentEdge {
  readonly from: Component;
  readonly to: Component;
  readonly why: string;
}

export const dependencies = {
  postgres: {
    name: 'postgres',
    title: 'PostgreSQL',
    critical: true,
    profiles: ['external'],
    when: 'always (in process via PGlite on the embedded profile)',
    usedBy: ['service', 'backups'],
  },
  redis: {
    name: 'redis',
    title: 'Redis',
    critical: false,
    profiles: ['external'],
    when: 'REDIS_URL is set',
    usedBy: ['service'],
  },
  qdrant: {
    name: 'qdrant',
    title: 'Qdrant',
    critical: true,
    profiles: ['external'],
    when: 'QDRANT_URL is set',
    usedBy: ['service', 'backups'],
  },
  embeddings: {
    name: 'embeddings',
    title: 'Embeddings server',
    critical: true,
    profiles: ['external'],
    when: 'EMBEDDINGS_URL is set',
    usedBy: ['service'],
  },
} as const satisfies { readonly [N in DependencyName]: DependencyDef & { readonly name: N } };

/** How aidb's own components lean on each other, beyond the external dependencies. */
export const componentEdges: readonly ComponentEdge[] = [
  {
    from: 'agent',
    to: 'service',
    why: 'probes its health endpoints and calls its garbage collection',
  },
  { from: 'agent', to: 'backups', why: 'schedules backups, verification and retention' },
];

/** Problems with the dependency graph: unknown names or cycles between components. */
export function dependencyGraphProblems(
  defs: Readonly<Record<string, DependencyDef>>,
  edges: readonly ComponentEdge[],
): string[] {
  const problems: string[] = [];
  for (const [key, def] of Object.entries(defs)) {
    if (key !== def.name) problems.push(`dependency ${key}: name is ${def.name}`);
    if (def.usedBy.length === 0) problems.push(`dependency ${key}: used by no component`);
  }
  const next = new Map<Component, Component[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const visiting = new Set<Component>();
  const done = new Set<Component>();
  const visit = (node: Component, path: readonly Component[]): void => {
    if (done.has(node)) return;
    if (visiting.has(node)) {
      problems.push(`component cycle: ${[...path, node].join(' -> ')}`);
      return;
    }
    visiting.add(node);
    for (const to of next.get(node) ?? []) visit(to, [...path, node]);
    visiting.delete(node);
    done.add(node);
  };
  for (const component of components) visit(component, []);
  return problems;
}
