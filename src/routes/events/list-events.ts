import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { EVENT_ID_PATTERN, EVENT_PREFIXES, EVENT_TYPES } from "../../events/types";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { EVENT_COLUMNS, type EventRow, eventBody, eventIdSchema, eventSchema } from "./schemas";

const KNOWN_TYPES = new Set<string>([...EVENT_TYPES, ...EVENT_PREFIXES]);

export const listEventsRoute = createRoute({
  method: "get",
  path: "/v1/events",
  operationId: "listEvents",
  tags: ["Events"],
  summary: "The event feed, oldest first",
  description:
    "Every change worth telling, in the order of the transactions that made them. Pass the last event's id as " +
    "`after` to read on: an event never appears behind a cursor later (one whose transaction is still open is " +
    "held back until it commits). Events are kept for the tenant's `events_days` (default 30).",
  ...v1Access({ role: "viewer", scope: "events:read" }, { module: "webhooks" }),
  request: {
    query: z.object({
      after: eventIdSchema.optional().openapi({
        param: { name: "after", in: "query" },
        description: "Only events after this one (the last id of the previous page)",
      }),
      type: z
        .string()
        .max(1000)
        .optional()
        .openapi({
          param: { name: "type", in: "query" },
          description: "Comma-separated event types, or `resource.*` for all of one resource",
          example: "company.created,contact.*",
        }),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(MAX_PAGE_SIZE)
        .default(DEFAULT_PAGE_SIZE)
        .openapi({ param: { name: "limit", in: "query" } }),
    }),
  },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of events",
      content: {
        "application/json": {
          schema: z.object({
            items: z.array(eventSchema).max(MAX_PAGE_SIZE),
            next_cursor: eventIdSchema.nullable().openapi({
              description: "The last id when more events are ready now (null: caught up; poll again with the last id)",
            }),
          }),
        },
      },
    },
  },
});

function typeFilter(list: string | undefined): SQL | null {
  if (list === undefined) return null;
  const wanted = list
    .split(",")
    .map((type) => type.trim())
    .filter((type) => type.length > 0);
  const unknown = wanted.filter((type) => !KNOWN_TYPES.has(type));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new ApiError("validation_failed", "Unknown event type.", {
      errors: [{ field: "query.type", message: `unknown: ${unknown.join(", ") || "(empty)"}` }],
    });
  }
  const exact = wanted.filter((type) => !type.endsWith(".*"));
  const resources = wanted.filter((type) => type.endsWith(".*")).map((type) => type.slice(0, -2));
  return sql`(type = any(${`{${exact.join(",")}}`}::text[]) or split_part(type, '.', 1) = any(${`{${resources.join(",")}}`}::text[]))`;
}

export const listEvents = new OpenAPIHono<AppEnv>().openapi(listEventsRoute, async (c) => {
  const query = c.req.valid("query");
  // Only transactions older than every one still running: whatever commits later sorts after.
  const filters: SQL[] = [sql`txid < pg_snapshot_xmin(pg_current_snapshot())`];
  const after = query.after ? EVENT_ID_PATTERN.exec(query.after) : null;
  if (after) filters.push(sql`(txid, id) > (${after[1]}::xid8, ${after[2]}::bigint)`);
  const types = typeFilter(query.type);
  if (types) filters.push(types);
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<EventRow>(sql`select ${EVENT_COLUMNS}
      from events where ${sql.join(filters, sql` and `)}
      order by txid, id limit ${query.limit + 1}`),
  ]);
  const items = result.rows.slice(0, query.limit).map(eventBody);
  const more = result.rows.length > query.limit;
  return c.json({ items, next_cursor: more ? (items.at(-1)?.id ?? null) : null }, 200);
});
