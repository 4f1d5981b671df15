import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import {
  type SecurityEventRow,
  securityEventBody,
  securityEventSchema,
  securityEventsQuery,
} from "../security-events/schemas";
import { OPERATOR_PROBLEMS, operatorAccess } from "./schemas";

export const listPlatformSecurityEventsRoute = createRoute({
  method: "get",
  path: "/internal/security-events",
  operationId: "listPlatformSecurityEvents",
  summary: "Security events of the whole platform",
  description:
    "Aggregated counts (one row per tenant, kind, reason and address per flush), newest first; events with no " +
    "tenant (bad tokens, unknown keys) too. Recorded in the platform audit log.",
  ...operatorAccess({ readOnly: false }),
  request: { query: pageQuerySchema.merge(securityEventsQuery).extend({ tenant_id: z.uuid().optional() }) },
  responses: {
    ...OPERATOR_PROBLEMS,
    200: {
      description: "A page of events",
      content: { "application/json": { schema: pageSchema(securityEventSchema) } },
    },
  },
});

export const listPlatformSecurityEvents = new OpenAPIHono<AppEnv>().openapi(
  listPlatformSecurityEventsRoute,
  async (c) => {
    const query = c.req.valid("query");
    const before = decodeCursor(query.cursor, 2);
    const {
      results: [result],
    } = await c.var.operator.batch((db) => [
      db.execute<{ event: SecurityEventRow }>(
        sql`select e as event from app.operator_security_events(${query.tenant_id ?? null}::uuid, ${query.kind ?? null},
        ${before?.[0] ?? null}::timestamptz, ${before?.[1] ?? null}::uuid, ${query.limit + 1}) e`,
      ),
    ]);
    const listed = page(
      result.rows.map((row) => row.event),
      query.limit,
      (event) => [event.last_seen_at, event.id],
    );
    return c.json({ items: listed.items.map(securityEventBody), next_cursor: listed.next_cursor }, 200);
  },
);
