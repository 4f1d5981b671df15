import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { getTableColumns, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { securityEvents } from "../../db/schema/security-events";
import { omitColumns, selectList } from "../../db/selection";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { type SecurityEventRow, securityEventBody, securityEventSchema, securityEventsQuery } from "./schemas";

export const listSecurityEventsRoute = createRoute({
  method: "get",
  path: "/v1/security-events",
  operationId: "listSecurityEvents",
  tags: ["Audit log"],
  summary: "Security events of this tenant",
  description:
    "Failed authentications with this tenant's keys, requests naming this tenant by callers who are not its members, " +
    "refused role changes and other refusals, rate-limit breaches. Aggregated: each row counts the events of one " +
    "kind, reason and address between two flushes (about SECURITY_EVENTS_FLUSH_MS apart), so rows appear a few " +
    "seconds after the events. Newest first.",
  ...v1Access({ role: "admin", scope: "audit_log:read" }),
  request: { query: pageQuerySchema.merge(securityEventsQuery) },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of events",
      content: { "application/json": { schema: pageSchema(securityEventSchema) } },
    },
  },
});

const eventColumns = omitColumns(getTableColumns(securityEvents), "createdAt");

export const listSecurityEvents = new OpenAPIHono<AppEnv>().openapi(listSecurityEventsRoute, async (c) => {
  const query = c.req.valid("query");
  const before = decodeCursor(query.cursor, 2);
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    // Row-level security keeps this to the tenant's own events.
    db.execute<SecurityEventRow>(sql`select ${selectList(eventColumns)} from ${securityEvents}
      where (${query.kind ?? null}::text is null or ${securityEvents.kind} = ${query.kind ?? null})
        ${before ? sql`and (${securityEvents.lastSeenAt}, ${securityEvents.id}) < (${before[0]}::timestamptz, ${before[1]}::uuid)` : sql``}
      order by ${securityEvents.lastSeenAt} desc, ${securityEvents.id} desc limit ${query.limit + 1}`),
  ]);
  const listed = page(result.rows, query.limit, (row) => [row.last_seen_at, row.id]);
  return c.json({ items: listed.items.map(securityEventBody), next_cursor: listed.next_cursor }, 200);
});
