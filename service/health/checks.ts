import { dependencies, type DependencyName } from '../../catalog/dependencies.ts';
import type { KnowledgeDeps } from '../knowledge/deps.ts';

/** One dependency the service checks: how, and whether the service can serve without it. */
export interface DependencyCheck {
  readonly name: DependencyName;
  readonly critical: boolean;
  readonly run: () => Promise<void>;
}

/**
 * The checks of the active profile: PostgreSQL always, the vector index when it is a separate
 * server, the embeddings server when remote, and Redis when configured (never critical).
 */
export function dependencyChecks(deps: KnowledgeDeps): DependencyCheck[] {
  const checks: DependencyCheck[] = [
    {
      name: 'postgres',
      critical: dependencies.postgres.critical,
      run: async () => {
        await deps.db.pool.query('SELECT 1');
        // pgvector lives in PostgreSQL: checking it here keeps its failure a PostgreSQL one.
        if (deps.index.kind === 'pgvector') await deps.index.ping();
      },
    },
  ];
  if (deps.index.kind === 'qdrant') {
    checks.push({
      name: 'qdrant',
      critical: dependencies.qdrant.critical,
      run: () => deps.index.ping(),
    });
  }
  if (deps.embedder.backend === 'http') {
    checks.push({
      name: 'embeddings',
      critical: dependencies.embeddings.critical,
      run: async () => {
        await deps.embedder.embed(['readiness check']);
      },
    });
  }
  if (deps.cache.kind === 'redis') {
    checks.push({
      name: 'redis',
      critical: dependencies.redis.critical,
      run: () => deps.cache.ping(),
    });
  }
  return checks;
}
