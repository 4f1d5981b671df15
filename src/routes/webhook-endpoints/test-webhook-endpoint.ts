import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  DELIVERY_COLUMNS,
  type DeliveryRow,
  deliveryBody,
  endpointIdParamSchema,
  notFound,
  webhookDeliverySchema,
} from "./schemas";

export const testWebhookEndpointRoute = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/test",
  operationId: "sendWebhookTestEvent",
  tags: ["Webhooks"],
  summary: "Send a test event to an endpoint",
  description:
    "Records a `webhook.test` event for this endpoint alone and queues its delivery, signed like every other. " +
    "A disabled endpoint: 409.",
  ...v1Access({ role: "admin", scope: "webhooks:write" }, { module: "webhooks" }),
  request: { params: endpointIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    202: { description: "Queued", content: { "application/json": { schema: webhookDeliverySchema } } },
    ...problemResponses(409),
  },
});

export const testWebhookEndpoint = new OpenAPIHono<AppEnv>().openapi(testWebhookEndpointRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [endpoint, , delivery],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ enabled: boolean }>(sql`select enabled from webhook_endpoints where id = ${id}`),
    db.execute(sql`select app.send_test_event(${id}::uuid)`),
    // Its own statement: rows the function wrote are visible from the next statement on.
    db.execute<DeliveryRow>(sql`select ${DELIVERY_COLUMNS}
      from webhook_deliveries d join events ev on ev.id = d.event_id
      where d.txid = pg_current_xact_id_if_assigned() and d.endpoint_id = ${id} and ev.type = 'webhook.test'`),
  ]);
  const [found] = endpoint.rows;
  if (!found) throw notFound();
  const [row] = delivery.rows;
  if (!found.enabled || !row) throw new ApiError("conflict", "The endpoint is disabled: enable it first.");
  return c.json(deliveryBody(row), 202);
});
