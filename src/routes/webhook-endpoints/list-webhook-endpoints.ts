import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { ENDPOINT_COLUMNS, type EndpointRow, endpointBody, webhookEndpointSchema } from "./schemas";

export const listWebhookEndpointsRoute = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  operationId: "listWebhookEndpoints",
  tags: ["Webhooks"],
  summary: "The tenant's webhook endpoints, oldest first",
  description: "Secrets are never listed.",
  ...v1Access({ role: "admin", scope: "webhooks:read" }, { module: "webhooks" }),
  request: { query: pageQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of endpoints",
      content: { "application/json": { schema: pageSchema(webhookEndpointSchema) } },
    },
  },
});

export const listWebhookEndpoints = new OpenAPIHono<AppEnv>().openapi(listWebhookEndpointsRoute, async (c) => {
  const query = c.req.valid("query");
  const after = decodeCursor(query.cursor, 2);
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<EndpointRow>(sql`select ${ENDPOINT_COLUMNS} from webhook_endpoints
      where ${after ? sql`(created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql`true`}
      order by created_at, id limit ${query.limit + 1}`),
  ]);
  const listed = page(result.rows, query.limit, (row) => [row.created_at, row.id]);
  return c.json({ items: listed.items.map(endpointBody), next_cursor: listed.next_cursor }, 200);
});
