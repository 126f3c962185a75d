import { describe, expect, it } from 'vitest';
import { planQueue } from '../../../service/vectors/pgvector-build.ts';

const minimum = 2_000;
const graph = { valid: true, indexed: 100_000 };

describe('planQueue: row by row, rebuild the graph, or wait for the import to end', () => {
  it('moves a backlog small against the graph row by row', () => {
    expect(planQueue({ ...graph, pending: 50 }, undefined, 0, minimum)).toBe('rows');
    expect(planQueue({ ...graph, pending: 9_999 }, undefined, 0, minimum)).toBe('rows');
  });

  it('has nothing to do for an empty queue and a valid graph', () => {
    expect(planQueue({ ...graph, pending: 0 }, undefined, 0, minimum)).toBe('rows');
  });

  it('rebuilds a graph a stopped build left missing, even with nothing queued', () => {
    expect(planQueue({ valid: false, indexed: 0, pending: 0 }, undefined, 0, minimum)).toBe(
      'build',
    );
  });

  it('builds a missing or invalid graph at once when the backlog is small', () => {
    expect(planQueue({ valid: false, indexed: 0, pending: 3 }, undefined, 0, minimum)).toBe(
      'build',
    );
  });

  it('waits while a large backlog is still growing fast, then builds', () => {
    const state = { ...graph, pending: 30_000 };
    // No earlier look, or one too recent to tell a rate.
    expect(planQueue(state, undefined, 10_000, minimum)).toBe('wait');
    expect(planQueue(state, { pending: 29_000, atMs: 9_800 }, 10_000, minimum)).toBe('wait');
    // 10,000 chunks in 2 s: an import is running.
    expect(planQueue(state, { pending: 20_000, atMs: 8_000 }, 10_000, minimum)).toBe('wait');
    // 1,000 in 2 s is still an import; 200 in 2 s is a trickle: build.
    expect(planQueue(state, { pending: 29_000, atMs: 8_000 }, 10_000, minimum)).toBe('wait');
    expect(planQueue(state, { pending: 29_800, atMs: 8_000 }, 10_000, minimum)).toBe('build');
  });

  it('counts a backlog from a tenth of the graph, and never below the minimum', () => {
    const earlier = { pending: 10_000, atMs: 0 };
    expect(planQueue({ ...graph, pending: 10_000 }, earlier, 5_000, minimum)).toBe('build');
    const small = { valid: true, indexed: 5_000 };
    expect(planQueue({ ...small, pending: 1_999 }, earlier, 5_000, minimum)).toBe('rows');
  });
});
