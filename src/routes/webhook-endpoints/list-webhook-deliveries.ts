import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { DELIVERY_STATUSES } from "../../webhooks/delivery-status";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  DELIVERY_COLUMNS,
  type DeliveryRow,
  deliveryBody,
  endpointIdParamSchema,
  notFound,
  webhookDeliverySchema,
} from "./schemas";

export const listWebhookDeliveriesRoute = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  tags: ["Webhooks"],
  summary: "An endpoint's deliveries, newest first",
  description: "Status, the last response code and duration, attempts so far and the next retry.",
  ...v1Access({ role: "admin", scope: "webhooks:read" }, { module: "webhooks" }),
  request: {
    params: endpointIdParamSchema,
    query: pageQuerySchema.extend({ status: z.enum(DELIVERY_STATUSES).optional() }),
  },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of deliveries",
      content: { "application/json": { schema: pageSchema(webhookDeliverySchema) } },
    },
  },
});

export const listWebhookDeliveries = new OpenAPIHono<AppEnv>().openapi(listWebhookDeliveriesRoute, async (c) => {
  const { id } = c.req.valid("param");
  const query = c.req.valid("query");
  const before = decodeCursor(query.cursor, 2);
  const filters: SQL[] = [sql`d.endpoint_id = ${id}`];
  if (query.status) filters.push(sql`d.status = ${query.status}`);
  if (before) filters.push(sql`(d.created_at, d.id) < (${before[0]}::timestamptz, ${before[1]}::uuid)`);
  const {
    results: [endpoint, result],
  } = await c.var.scoped.batch((db) => [
    db.execute(sql`select 1 from webhook_endpoints where id = ${id}`),
    db.execute<DeliveryRow & { created_order: string }>(sql`select ${DELIVERY_COLUMNS},
        d.created_at::text as created_order
      from webhook_deliveries d join events ev on ev.id = d.event_id
      where ${sql.join(filters, sql` and `)}
      order by d.created_at desc, d.id desc limit ${query.limit + 1}`),
  ]);
  if (endpoint.rows.length === 0) throw notFound();
  const listed = page(result.rows, query.limit, (row) => [row.created_order, row.id]);
  return c.json(
    { items: listed.items.map(({ created_order: _, ...row }) => deliveryBody(row)), next_cursor: listed.next_cursor },
    200,
  );
});
