import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { endpointIdParamSchema, notFound } from "./schemas";

export const deleteWebhookEndpointRoute = createRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "deleteWebhookEndpoint",
  tags: ["Webhooks"],
  summary: "Remove a webhook endpoint",
  description: "Its pending deliveries go with it; the events stay in the feed.",
  ...v1Access({ role: "admin", scope: "webhooks:write" }, { module: "webhooks" }),
  request: { params: endpointIdParamSchema },
  responses: { ...V1_PROBLEMS, 204: { description: "Removed" } },
});

export const deleteWebhookEndpoint = new OpenAPIHono<AppEnv>().openapi(deleteWebhookEndpointRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ id: string }>(sql`delete from webhook_endpoints where id = ${id} returning id`),
  ]);
  if (result.rows.length === 0) throw notFound();
  return c.body(null, 204);
});
