import { type SQL, sql } from "drizzle-orm";

/**
 * A text[] parameter sent as one JSON text: the HTTP driver sends parameters as strings, and a
 * Postgres array literal would need its own quoting of commas, quotes and braces.
 */
export const textArray = (values: readonly string[]): SQL =>
  sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
