import type { Sql } from '../store/sql.ts';

/**
 * A counter in the database that every statement changing `chunks` advances, in the same
 * transaction (a statement trigger), plus a random id of the database it lives in. A saved
 * in-process index records both; at start-up it is used only if they still match, so a crash
 * after a commit, a write by another process or a restored database all force a rebuild.
 */
export async function prepareStoreGeneration(sql: Sql): Promise<void> {
  await sql.query(`CREATE TABLE IF NOT EXISTS vector_cache_generation (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    store_id text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text),
    generation bigint NOT NULL DEFAULT 0)`);
  await sql.query('INSERT INTO vector_cache_generation DEFAULT VALUES ON CONFLICT DO NOTHING');
  await sql.query(`CREATE OR REPLACE FUNCTION vector_cache_advance() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE vector_cache_generation SET generation = generation + 1;
      RETURN NULL;
    END $$`);
  await sql.query(`CREATE OR REPLACE TRIGGER vector_cache_chunks
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON chunks
    FOR EACH STATEMENT EXECUTE FUNCTION vector_cache_advance()`);
}

/** `store_id:generation`, compared as a whole. */
export async function readStoreGeneration(sql: Sql): Promise<string> {
  const { rows } = await sql.query<{ store_id: string; generation: string }>(
    'SELECT store_id, generation FROM vector_cache_generation',
  );
  const row = rows[0];
  if (row === undefined) throw new Error('vector_cache_generation has no row');
  return `${row.store_id}:${row.generation}`;
}
