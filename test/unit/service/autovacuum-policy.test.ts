import { describe, expect, it } from 'vitest';
import { maintenanceFor, type TableActivity } from '../../../service/store/autovacuum-policy.ts';

const table = (activity: Partial<TableActivity>): TableActivity => ({
  live: 0,
  dead: 0,
  modifiedSinceAnalyze: 0,
  insertedSinceVacuum: 0,
  ...activity,
});

describe("autovacuum's thresholds (PostgreSQL 15 defaults)", () => {
  it('vacuums past 50 dead rows plus a fifth of the live ones, not at them', () => {
    expect(maintenanceFor(table({ live: 1000, dead: 250 }))).toBeUndefined();
    expect(maintenanceFor(table({ live: 1000, dead: 251 }))).toBe('vacuum');
    expect(maintenanceFor(table({ live: 0, dead: 51 }))).toBe('vacuum');
  });

  it('vacuums an insert-only table past 1,000 rows plus a fifth (its visibility map)', () => {
    expect(maintenanceFor(table({ live: 5000, insertedSinceVacuum: 2000 }))).toBeUndefined();
    expect(maintenanceFor(table({ live: 5000, insertedSinceVacuum: 2001 }))).toBe('vacuum');
  });

  it('analyzes alone past 50 changed rows plus a tenth, when no vacuum is due', () => {
    expect(maintenanceFor(table({ live: 1000, modifiedSinceAnalyze: 150 }))).toBeUndefined();
    expect(maintenanceFor(table({ live: 1000, modifiedSinceAnalyze: 151 }))).toBe('analyze');
    // VACUUM (ANALYZE) does both: a table due for both is vacuumed.
    expect(maintenanceFor(table({ live: 1000, dead: 900, modifiedSinceAnalyze: 900 }))).toBe(
      'vacuum',
    );
  });

  it('leaves an untouched table alone', () => {
    expect(maintenanceFor(table({ live: 100_000 }))).toBeUndefined();
  });
});
