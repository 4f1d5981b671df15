import { Column, is, type SQL, sql } from "drizzle-orm";
import { isoTimestamp } from "../http/timestamps";
import { columnRef } from "./selection";

/** Members of a JSON object: a key's value is a column, or a nested object of columns. */
export interface JsonShape {
  [key: string]: Column | JsonShape;
}

const KEY = /^[a-z][a-z0-9_]*$/;

/**
 * A column's value as JSON text, spelled as `JSON.stringify` spells the value the API would
 * otherwise build from the driver's row: null as `null`, timestamps in `toISOString()` form (UTC,
 * milliseconds truncated, as `isoTimestamp` does), dates as `YYYY-MM-DD`, arrays and scalars as
 * Postgres' `to_json` writes them (compact, with the same string escapes).
 */
function valueText(column: Column, alias?: string): SQL {
  const ref = columnRef(column, alias);
  const value =
    column.columnType === "PgTimestampString"
      ? sql`to_char(${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
      : ref;
  return sql`coalesce(to_json(${value})::text, 'null')`;
}

function pieces(shape: JsonShape, alias: string | undefined, out: SQL[]): void {
  let first = true;
  for (const [key, member] of Object.entries(shape)) {
    if (!KEY.test(key)) throw new Error(`JSON key ${key} must be a plain lower-case name`);
    // The key is a constant of our code checked above; as a literal it costs no parameter per request.
    out.push(sql.raw(`'${first ? "" : ","}"${key}":'`));
    first = false;
    if (is(member, Column)) out.push(valueText(member, alias));
    else {
      out.push(sql.raw(`'{'`));
      pieces(member, alias, out);
      out.push(sql.raw(`'}'`));
    }
  }
}

/**
 * A text expression: the members of `shape` as a JSON object's inside (`"a":1,"b":{"c":null}`,
 * no braces, so callers can join it with members built elsewhere). Postgres writes it in one
 * `concat`: the Worker then passes the text on instead of parsing each column of each row,
 * reshaping it and serialising it again.
 */
export function jsonMembers(shape: JsonShape, alias?: string): SQL {
  const out: SQL[] = [];
  pieces(shape, alias, out);
  return sql`concat(${sql.join(out, sql`, `)})`;
}

/**
 * The same members built in the Worker from a row the driver returned (keyed by SQL column name,
 * dates and timestamps as text, see `selectList`): for the routes that have the row already.
 */
export function shapeValues(shape: JsonShape, row: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(shape)) {
    if (!is(member, Column)) values[key] = shapeValues(member, row);
    else {
      const value = row[member.name] ?? null;
      values[key] = member.columnType === "PgTimestampString" ? isoTimestamp(value as string | null) : value;
    }
  }
  return values;
}
