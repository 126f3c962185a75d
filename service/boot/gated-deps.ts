import type { BaseDeps, StoreDeps } from '../assemble.ts';
import type { KnowledgeDeps } from '../knowledge/deps.ts';

/**
 * The knowledge-base dependencies as routes see them from the first request on: everything that
 * needs no server at once, and the database and vector index through `store`, which throws the
 * 503 `starting` problem until start-up has reached PostgreSQL. So a route that needs the store
 * cannot run early by mistake, and one that does not (embedding) is served while starting.
 */
export function gatedDeps(base: BaseDeps, store: () => StoreDeps): KnowledgeDeps {
  return {
    ...base,
    get db() {
      return store().db;
    },
    get index() {
      return store().index;
    },
  };
}
