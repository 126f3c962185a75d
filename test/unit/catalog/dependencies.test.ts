import { describe, expect, it } from 'vitest';
import {
  componentEdges,
  dependencies,
  dependencyGraphProblems,
  type ComponentEdge,
} from '../../../catalog/dependencies.ts';

describe('dependencyGraphProblems', () => {
  it('accepts the real graph', () => {
    expect(dependencyGraphProblems(dependencies, componentEdges)).toEqual([]);
  });

  it('a cycle between components should fail.', () => {
    const edges: ComponentEdge[] = [
      { from: 'agent', to: 'service', why: 'a' },
      { from: 'service', to: 'backups', why: 'b' },
      { from: 'backups', to: 'agent', why: 'c' },
    ];
    expect(dependencyGraphProblems(dependencies, edges)).toEqual([
      'component cycle: service -> backups -> agent -> service',
    ]);
  });

  it('a dependency keyed under another name should fail.', () => {
    expect(dependencyGraphProblems({ cache: dependencies.redis }, [])).toEqual([
      'dependency cache: name is redis',
    ]);
  });

  it('a dependency nobody uses should fail.', () => {
    expect(dependencyGraphProblems({ redis: { ...dependencies.redis, usedBy: [] } }, [])).toEqual([
      'dependency redis: used by no component',
    ]);
  });

  it('PostgreSQL is the critical dependency and Redis is not', () => {
    expect(dependencies.postgres.critical).toBe(true);
    expect(dependencies.redis.critical).toBe(false);
  });
});
