import pg from 'pg';

// Ordinary tables of the user's schemas; an extension's own tables are its business.
const tablesQuery = `
  SELECT n.nspname AS schema, c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND c.relpersistence <> 't'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
  ORDER BY 1, 2`;

/** A pg client or a PGlite database: both answer a query with rows. */
export interface Queryable {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

/** A counted table: its `schema.table` key and its quoted SQL name. */
export interface CountedTable {
  readonly key: string;
  readonly sql: string;
}

/** The tables `countRows` counts, in the client's current snapshot. */
export async function listTables(client: Queryable): Promise<CountedTable[]> {
  const rows = (await client.query(tablesQuery)).rows as { schema: string; name: string }[];
  return rows.map(({ schema, name }) => ({
    key: `${schema}.${name}`,
    sql: `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`,
  }));
}

export async function countTables(
  client: Queryable,
  tables: readonly CountedTable[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const result = await client.query(`SELECT count(*) AS n FROM ${table.sql}`);
    const [row] = result.rows as { n: string | number | bigint }[];
    counts[table.key] = Number(row?.n ?? 0);
  }
  return counts;
}

/** Exact rows per table (`schema.table`), in the client's current snapshot. */
export async function countRows(client: Queryable): Promise<Record<string, number>> {
  return countTables(client, await listTables(client));
}
