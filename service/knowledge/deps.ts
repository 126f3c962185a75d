import type { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger.ts';
import type { Cache } from '../cache/cache.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import type { Database } from '../store/sql.ts';
import type { Breakers } from '../resilience/breakers.ts';
import type { DependencyCall } from '../resilience/guard.ts';
import type { KnowledgeTelemetry } from '../telemetry/knowledge-telemetry.ts';
import type { VectorIndex } from '../vectors/vector-index.ts';

/** What the knowledge-base operations work with; assembled once per process. */
export interface KnowledgeDeps {
  readonly db: Database;
  readonly index: VectorIndex;
  readonly embedder: Embedder;
  readonly cache: Cache;
  /** The cache's Redis connection, shared by the rate limiter; absent without Redis. */
  readonly redis: Redis | undefined;
  readonly logger: Logger;
  readonly telemetry: KnowledgeTelemetry;
  readonly breakers: Breakers;
  /** Runs a call to a dependency through its breaker and telemetry (health checks use it). */
  readonly call: DependencyCall;
}
