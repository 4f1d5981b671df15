import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { generateSecret, sealSecret } from "../../webhooks/secrets";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  ENDPOINT_COLUMNS,
  type EndpointRow,
  endpointBody,
  endpointIdParamSchema,
  notFound,
  secretsKey,
  webhookEndpointWithSecretSchema,
} from "./schemas";

/** How long the secret before a rotation keeps signing alongside the new one. */
export const ROTATION_OVERLAP_HOURS = 24;

export const rotateWebhookSecretRoute = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/rotate-secret",
  operationId: "rotateWebhookEndpointSecret",
  tags: ["Webhooks"],
  summary: "Rotate an endpoint's signing secret",
  description:
    `A new secret (shown once). For ${ROTATION_OVERLAP_HOURS} hours every delivery carries a signature with the ` +
    "old secret too, so the receiver can switch without losing one. Rotating again ends the old one's overlap.",
  ...v1Access({ role: "admin", scope: "webhooks:write" }, { module: "webhooks" }),
  request: { params: endpointIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "Rotated",
      content: { "application/json": { schema: webhookEndpointWithSecretSchema } },
    },
  },
});

export const rotateWebhookSecret = new OpenAPIHono<AppEnv>().openapi(rotateWebhookSecretRoute, async (c) => {
  const { id } = c.req.valid("param");
  const secret = generateSecret();
  const sealed = await sealSecret(secret, id, secretsKey(c));
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<EndpointRow>(sql`update webhook_endpoints set previous_secret = secret, secret = ${sealed},
        previous_secret_expires_at = now() + make_interval(hours => ${ROTATION_OVERLAP_HOURS})
      where id = ${id}
      returning ${ENDPOINT_COLUMNS}`),
  ]);
  const [row] = result.rows;
  if (!row) throw notFound();
  return c.json({ ...endpointBody(row), secret }, 200);
});
