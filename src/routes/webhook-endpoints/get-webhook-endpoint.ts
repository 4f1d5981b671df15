import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  ENDPOINT_COLUMNS,
  type EndpointRow,
  endpointBody,
  endpointIdParamSchema,
  notFound,
  webhookEndpointSchema,
} from "./schemas";

export const getWebhookEndpointRoute = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "getWebhookEndpoint",
  tags: ["Webhooks"],
  summary: "A webhook endpoint",
  description: "Its state (enabled, why it was disabled, failing since when); never its secret.",
  ...v1Access({ role: "admin", scope: "webhooks:read" }, { module: "webhooks" }),
  request: { params: endpointIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The endpoint", content: { "application/json": { schema: webhookEndpointSchema } } },
  },
});

export const getWebhookEndpoint = new OpenAPIHono<AppEnv>().openapi(getWebhookEndpointRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<EndpointRow>(sql`select ${ENDPOINT_COLUMNS} from webhook_endpoints where id = ${id}`),
  ]);
  const [row] = result.rows;
  if (!row) throw notFound();
  return c.json(endpointBody(row), 200);
});
