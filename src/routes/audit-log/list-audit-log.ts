import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ACTOR_TYPES, auditLog } from "../../db/schema/audit-log";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { isoTimestamp, timestampInputSchema, timestampSchema } from "../../http/timestamps";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    actor_type: z.enum(ACTOR_TYPES),
    actor_id: z.uuid().nullable(),
    action: z.string().max(100).openapi({ example: "membership.updated" }),
    target_type: z.string().max(50).nullable(),
    target_id: z.string().max(100).nullable(),
    request_id: z.string().max(128).nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: timestampSchema,
  })
  .openapi("AuditEntry");

export const auditQuerySchema = pageQuerySchema.extend({
  actor_id: z.uuid().optional(),
  action: z.string().max(100).optional(),
  target_type: z.string().max(50).optional(),
  target_id: z.string().max(100).optional(),
  from: timestampInputSchema.optional().openapi({ description: "Inclusive lower bound of created_at" }),
  to: timestampInputSchema.optional().openapi({ description: "Exclusive upper bound of created_at" }),
});

export const listAuditLogRoute = createRoute({
  method: "get",
  path: "/v1/audit-log",
  operationId: "listAuditLog",
  tags: ["Audit log"],
  summary: "Read the tenant's audit log",
  description: "Newest first. Reading the audit log is itself recorded in it.",
  ...v1Access({ role: "admin", scope: "audit_log:read" }, { privilegedRead: true }),
  request: { query: auditQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of entries",
      content: { "application/json": { schema: pageSchema(auditEntrySchema) } },
    },
  },
});

export const listAuditLog = new OpenAPIHono<AppEnv>().openapi(listAuditLogRoute, async (c) => {
  const query = c.req.valid("query");
  const before = decodeCursor(query.cursor, 2);
  const filters: (SQL | undefined)[] = [
    query.actor_id ? eq(auditLog.actorId, query.actor_id) : undefined,
    query.action ? eq(auditLog.action, query.action) : undefined,
    query.target_type ? eq(auditLog.targetType, query.target_type) : undefined,
    query.target_id ? eq(auditLog.targetId, query.target_id) : undefined,
    query.from ? gte(auditLog.createdAt, query.from) : undefined,
    query.to ? lt(auditLog.createdAt, query.to) : undefined,
    before ? sql`(${auditLog.createdAt}, ${auditLog.id}) < (${before[0]}::timestamptz, ${before[1]}::uuid)` : undefined,
  ];
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .select()
      .from(auditLog)
      .where(and(...filters))
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(query.limit + 1),
    // A privileged read, recorded in the same transaction (after the read, so it is not in it).
    db.insert(auditLog).values({
      action: "audit_log.read",
      targetType: "audit_log",
      metadata: {
        filters: Object.fromEntries(Object.entries(query).filter(([k, v]) => v !== undefined && k !== "cursor")),
      },
    }),
  ]);
  const result = page(rows, query.limit, (row) => [row.createdAt, row.id]);
  return c.json(
    {
      items: result.items.map((row) => ({
        id: row.id,
        actor_type: row.actorType,
        actor_id: row.actorId,
        action: row.action,
        target_type: row.targetType,
        target_id: row.targetId,
        request_id: row.requestId,
        metadata: row.metadata,
        created_at: isoTimestamp(row.createdAt),
      })),
      next_cursor: result.next_cursor,
    },
    200,
  );
});
