import type { Sql } from './sql.ts';

export interface CollectionRow {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly dimension: number;
  readonly ttlSeconds: number | null;
  readonly documentCount: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface CollectionChanges {
  readonly description?: string | undefined;
  readonly ttlSeconds?: number | null | undefined;
}

interface RawCollection {
  id: string;
  name: string;
  description: string;
  dimension: number;
  ttl_seconds: number | null;
  document_count: string;
  created_at: Date;
  updated_at: Date;
}

function toRow(raw: RawCollection): CollectionRow {
  return {
    id: Number(raw.id),
    name: raw.name,
    description: raw.description,
    dimension: raw.dimension,
    ttlSeconds: raw.ttl_seconds,
    documentCount: Number(raw.document_count),
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

const selectCollection = `
  SELECT c.id, c.name, c.description, c.dimension, c.ttl_seconds, c.created_at, c.updated_at,
         (SELECT count(*) FROM documents d WHERE d.collection_id = c.id) AS document_count
  FROM collections c`;

/** What the request path needs of a collection: one indexed lookup, no counting. */
export interface CollectionRef {
  readonly id: number;
  readonly name: string;
  readonly dimension: number;
}

export async function findCollectionRef(
  sql: Sql,
  name: string,
): Promise<CollectionRef | undefined> {
  const { rows } = await sql.query<{ id: string; name: string; dimension: number }>(
    'SELECT id, name, dimension FROM collections WHERE name = $1',
    [name],
  );
  const row = rows[0];
  return row === undefined
    ? undefined
    : { id: Number(row.id), name: row.name, dimension: row.dimension };
}

export async function listCollections(sql: Sql): Promise<CollectionRow[]> {
  const { rows } = await sql.query<RawCollection>(`${selectCollection} ORDER BY c.name`);
  return rows.map(toRow);
}

export async function findCollection(sql: Sql, name: string): Promise<CollectionRow | undefined> {
  const { rows } = await sql.query<RawCollection>(`${selectCollection} WHERE c.name = $1`, [name]);
  return rows[0] === undefined ? undefined : toRow(rows[0]);
}

/** Creates the collection; returns undefined when one with that name already exists. */
export async function insertCollection(
  sql: Sql,
  name: string,
  dimension: number,
  changes: CollectionChanges,
): Promise<CollectionRow | undefined> {
  const { rows } = await sql.query<RawCollection>(
    `INSERT INTO collections (name, description, dimension, ttl_seconds)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO NOTHING
     RETURNING id, name, description, dimension, ttl_seconds, created_at, updated_at, 0 AS document_count`,
    [name, changes.description ?? '', dimension, changes.ttlSeconds ?? null],
  );
  return rows[0] === undefined ? undefined : toRow(rows[0]);
}

/** Applies the given changes; fields left undefined keep their value. */
export async function updateCollection(
  sql: Sql,
  id: number,
  changes: CollectionChanges,
): Promise<void> {
  await sql.query(
    `UPDATE collections
     SET description = COALESCE($2, description),
         ttl_seconds = CASE WHEN $3::boolean THEN $4 ELSE ttl_seconds END,
         updated_at = now()
     WHERE id = $1`,
    [id, changes.description ?? null, changes.ttlSeconds !== undefined, changes.ttlSeconds ?? null],
  );
}

export async function deleteCollection(sql: Sql, id: number): Promise<void> {
  await sql.query('DELETE FROM collections WHERE id = $1', [id]);
}
