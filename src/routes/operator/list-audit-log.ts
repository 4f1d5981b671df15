import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { OPERATOR_PROBLEMS, operatorAccess } from "./schemas";

const entrySchema = z
  .object({
    id: z.uuid(),
    operator_id: z.uuid(),
    operator_name: z.string().max(200),
    action: z.string().max(100).openapi({ example: "tenant.suspended" }),
    tenant_id: z.uuid().nullable(),
    request_id: z.string().max(200).nullable(),
    metadata: z.record(z.string().max(100), z.unknown()),
    created_at: timestampSchema,
  })
  .openapi("PlatformAuditEntry");

type EntryRow = z.infer<typeof entrySchema>;

export const listAuditLogRoute = createRoute({
  method: "get",
  path: "/internal/audit-log",
  operationId: "listPlatformAuditLog",
  summary: "The platform audit log",
  description:
    "Every operator action and every read of a tenant's data by an operator, newest first; `tenant_id` narrows it " +
    "to one tenant.",
  ...operatorAccess({ readOnly: true }),
  request: { query: pageQuerySchema.extend({ tenant_id: z.uuid().optional() }) },
  responses: {
    ...OPERATOR_PROBLEMS,
    200: { description: "A page of entries", content: { "application/json": { schema: pageSchema(entrySchema) } } },
  },
});

export const listAuditLog = new OpenAPIHono<AppEnv>().openapi(listAuditLogRoute, async (c) => {
  const query = c.req.valid("query");
  const before = decodeCursor(query.cursor, 2);
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ entry: EntryRow }>(
      sql`select e as entry from app.operator_audit_log(${query.tenant_id ?? null}::uuid,
        ${before?.[0] ?? null}::timestamptz, ${before?.[1] ?? null}::uuid, ${query.limit + 1}) e`,
    ),
  ]);
  const listed = page(
    result.rows.map((row) => row.entry),
    query.limit,
    (entry) => [entry.created_at, entry.id],
  );
  return c.json(
    {
      items: listed.items.map((entry) => ({ ...entry, created_at: isoTimestamp(entry.created_at) })),
      next_cursor: listed.next_cursor,
    },
    200,
  );
});
