import { type Column, type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

/**
 * The row a raw statement returns for some of a table's drizzle columns: keyed by SQL column
 * name (what `db.execute` and `to_jsonb` give), typed from the schema. A renamed or retyped
 * column changes this type, so the code that reads it fails to compile instead of at run time.
 */
export type RowOf<Columns extends Record<string, Column>> = {
  [K in keyof Columns as Columns[K]["_"]["name"]]: Columns[K]["_"]["notNull"] extends true
    ? Columns[K]["_"]["data"]
    : Columns[K]["_"]["data"] | null;
};

// Dates and timestamps in string mode: read as text, so a row looks the same whether it comes
// straight from the driver or through to_jsonb() (a stored idempotent response).
const AS_TEXT = new Set(["PgDateString", "PgTimestampString"]);

/**
 * A select list of `columns` by their SQL names: unqualified (or qualified by `alias`), so one
 * list serves SELECT, RETURNING, CTEs and aliased tables alike; dates and timestamps cast to text
 * under their own names. Names are quoted identifiers taken from the schema, never strings.
 */
export function selectList(columns: Record<string, Column>, alias?: string): SQL {
  return sql.join(
    Object.values(columns).map((column) => {
      const ref = columnRef(column, alias);
      return AS_TEXT.has(column.columnType) ? sql`${ref}::text as ${sql.identifier(column.name)}` : ref;
    }),
    sql`, `,
  );
}

/**
 * One column by its quoted SQL name, qualified by `alias` if given: for an expression over columns
 * (drizzle's own `${column}` renders `"table"."column"`, which an aliased table does not answer to).
 */
export function columnRef(column: Column, alias?: string): SQL {
  const name = sql.identifier(column.name);
  return alias ? sql`${sql.identifier(alias)}.${name}` : sql`${name}`;
}

/** All of `columns` but those named by `keys`: for a list that is most of a table. */
export function omitColumns<Columns extends Record<string, Column>, Key extends keyof Columns>(
  columns: Columns,
  ...keys: Key[]
): Omit<Columns, Key> {
  const kept: Record<string, Column> = { ...columns };
  for (const key of keys) delete kept[key as string];
  return kept as Omit<Columns, Key>;
}

/**
 * `column = value` for an UPDATE's SET list (where Postgres takes no table-qualified names, which
 * is how drizzle renders a column inside `sql`): the name from the schema, the value a parameter
 * unless it is SQL already.
 */
export function assignment(column: Column, value: unknown): SQL {
  return sql`${sql.identifier(column.name)} = ${value}`;
}

/**
 * `fragment` rendered to SQL text once: for a fragment made only of identifiers and constants (a
 * select list, an ORDER BY), which drizzle would otherwise walk chunk by chunk on every request.
 */
export function prerendered(fragment: SQL): SQL {
  const { sql: text, params } = new PgDialect().sqlToQuery(fragment);
  if (params.length > 0) throw new Error("a prerendered fragment cannot hold parameters");
  // Rendered by drizzle's own dialect from schema identifiers and checked constants, no input.
  return sql.raw(text);
}
