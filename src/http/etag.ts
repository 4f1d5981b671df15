import { z } from "@hono/zod-openapi";

/** Strong ETag of a versioned resource: `"<id>.<version>"`. */
export const etagOf = (row: { id: string; version: number }) => `"${row.id}.${row.version}"`;

/**
 * The version an `If-Match` header demands of resource `id`: null when there is no condition
 * (absent or `*`), "-1" when it can never match (malformed, weak, another resource's tag) —
 * strong comparison as RFC 9110 asks for If-Match.
 */
export function expectedVersion(ifMatch: string | undefined, id: string): string | null {
  if (ifMatch === undefined || ifMatch.trim() === "*") return null;
  const tag = /^"([0-9a-f-]{36})\.(\d+)"$/.exec(ifMatch.trim());
  return tag?.[1] === id && tag[2] ? tag[2] : "-1";
}

/** The `If-Match` request header, for routes that update versioned resources. */
export const ifMatchHeaderSchema = z.object({
  "if-match": z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: "if-match", in: "header" }, description: "The ETag you read; a stale one is a 412" }),
});

/** The `If-None-Match` request header, for reads that answer 304 when nothing changed. */
export const ifNoneMatchHeaderSchema = z.object({
  "if-none-match": z
    .string()
    .max(2000)
    .optional()
    .openapi({
      param: { name: "if-none-match", in: "header" },
      description: "ETags you hold (comma-separated); a current one is answered with 304 and no body",
    }),
});
