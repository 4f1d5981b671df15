import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { sendDeliveries } from "../../webhooks/outbox";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { DELIVERY_COLUMNS, type DeliveryRow, deliveryBody, webhookDeliverySchema } from "./schemas";

export const retryWebhookDeliveryRoute = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/retry",
  operationId: "retryWebhookDelivery",
  tags: ["Webhooks"],
  summary: "Send a delivery again now",
  description:
    "A failed delivery, or a pending one waiting for its next retry, is due at once (its attempts count on). " +
    "A delivered one: 409. Retrying does not re-enable a disabled endpoint.",
  ...v1Access({ role: "admin", scope: "webhooks:write" }, { module: "webhooks" }),
  request: {
    params: z.object({
      id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
      delivery_id: z.uuid().openapi({ param: { name: "delivery_id", in: "path" } }),
    }),
  },
  responses: {
    ...V1_PROBLEMS,
    202: { description: "Queued", content: { "application/json": { schema: webhookDeliverySchema } } },
    ...problemResponses(409),
  },
});

export const retryWebhookDelivery = new OpenAPIHono<AppEnv>().openapi(retryWebhookDeliveryRoute, async (c) => {
  const { id, delivery_id } = c.req.valid("param");
  const {
    results: [before, after],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ status: string }>(sql`select status from webhook_deliveries where id = ${delivery_id}
      and endpoint_id = ${id}`),
    db.execute<DeliveryRow>(sql`with due as (
        update webhook_deliveries set status = 'pending', next_attempt_at = now()
         where id = ${delivery_id} and endpoint_id = ${id} and status in ('pending', 'failed')
        returning *
      )
      select ${DELIVERY_COLUMNS} from due d join events ev on ev.id = d.event_id`),
  ]);
  const [found] = before.rows;
  if (!found) throw new ApiError("not_found", "No delivery with that id for this endpoint.");
  const [row] = after.rows;
  if (!row) throw new ApiError("conflict", "This delivery has already been delivered.");
  // Not made by this transaction, so not queued by it: send it here (the sweep covers a failure).
  await sendDeliveries(c.env, [row.id], c.var.logger);
  return c.json(deliveryBody(row), 202);
});
