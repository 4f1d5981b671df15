import { z } from "@hono/zod-openapi";
import { ApiError } from "../errors/api-error";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export const pageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .openapi({ param: { name: "limit", in: "query" }, example: 25 }),
  // A name-ordered key holds a whole company name: up to 200 characters of UTF-8, base64url.
  cursor: z
    .string()
    .max(2048)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "`next_cursor` of the previous page" }),
});

/**
 * Cursors are opaque to clients: base64url JSON of the last row's sort key. Keys keep Postgres'
 * own text (full microsecond timestamps), so keyset pagination never skips or repeats a row.
 */
export function encodeCursor(key: readonly string[]): string {
  // UTF-8 first: btoa takes only Latin-1, and sort keys hold names such as "Łódź Ltd".
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string | undefined, parts: number, field = "query.cursor"): string[] | null {
  if (cursor === undefined) return null;
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const json = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(binary, (c) => c.charCodeAt(0)),
    );
    const key: unknown = JSON.parse(json);
    if (Array.isArray(key) && key.length === parts && key.every((part) => typeof part === "string")) return key;
  } catch {
    // fall through
  }
  throw new ApiError("validation_failed", "The cursor is not valid.", {
    errors: [{ field, message: "not a cursor returned by this endpoint" }],
  });
}

/** Fetch `limit + 1` rows; the extra one only tells whether another page exists. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => string[]) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item).max(MAX_PAGE_SIZE), next_cursor: z.string().max(2048).nullable() });
