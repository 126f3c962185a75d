import { readdir, readFile } from 'node:fs/promises';
import type { Pool, PoolClient } from 'pg';
import { withClient } from './sql.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const migrationsDir = new URL('./migrations/', import.meta.url);
const fileName = /^(\d{3})_([a-z0-9_]+)\.sql$/;

// Session-level advisory lock key: one instance at a time changes the schema.
// The number is arbitrary but fixed; it only has to differ from other users of advisory locks.
export const migrationLockKey = 7_126_451_001;

/** The numbered SQL files in version order; a gap or duplicate is a packaging error. */
export async function loadMigrations(dir: URL = migrationsDir): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const file of (await readdir(dir)).sort()) {
    const match = fileName.exec(file);
    if (match === null) continue;
    const version = Number(match[1]);
    if (version !== migrations.length + 1) {
      throw new Error(
        `store: migration ${file} is out of sequence (expected ${migrations.length + 1})`,
      );
    }
    migrations.push({
      version,
      name: match[2] ?? '',
      sql: await readFile(new URL(file, dir), 'utf8'),
    });
  }
  return migrations;
}

async function pending(client: PoolClient, migrations: readonly Migration[]): Promise<Migration[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS aidb_schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await client.query<{ version: number }>(
    'SELECT version FROM aidb_schema_migrations',
  );
  const applied = new Set(rows.map((row) => row.version));
  const newest = Math.max(0, ...applied);
  if (newest > migrations.length) {
    throw new Error(
      `store: database schema version ${newest} is newer than this build knows (${migrations.length})`,
    );
  }
  return migrations.filter((m) => !applied.has(m.version));
}

/**
 * Runs `work` on one connection holding the migration lock: everything an instance does to the
 * schema at start-up (migrations, extensions, the vector index's tables) happens one instance
 * at a time, so replicas starting together do not trip over each other's DDL.
 */
export async function withMigrationLock<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    try {
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
    }
  });
}

/**
 * Applies the migrations not yet applied, each in its own transaction, on a client that holds
 * the migration lock. Returns the versions it applied.
 */
export async function applyMigrations(
  client: PoolClient,
  migrations: readonly Migration[],
): Promise<number[]> {
  const applied: number[] = [];
  for (const migration of await pending(client, migrations)) {
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query('INSERT INTO aidb_schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new Error(`store: migration ${migration.version}_${migration.name} failed`, {
        cause: error,
      });
    }
    applied.push(migration.version);
  }
  return applied;
}

/**
 * Applies the migrations not yet applied under the migration lock, so that instances starting
 * together migrate once. Returns the versions it applied.
 */
export async function migrate(pool: Pool, migrations?: readonly Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations());
  return withMigrationLock(pool, (client) => applyMigrations(client, all));
}
