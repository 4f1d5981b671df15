import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { webhookEndpoints } from "../../db/schema";
import { assignment } from "../../db/selection";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { assertWebhookUrl } from "../../webhooks/url-guard";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  ENDPOINT_COLUMNS,
  type EndpointRow,
  enabledEventsSchema,
  endpointBody,
  endpointIdParamSchema,
  MAX_URL,
  notFound,
  urlPolicy,
  webhookEndpointSchema,
} from "./schemas";

export const updateWebhookEndpointBodySchema = z
  .object({
    url: z.string().trim().max(MAX_URL).optional(),
    enabled_events: enabledEventsSchema.optional(),
    description: z.string().trim().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .openapi("UpdateWebhookEndpoint");

export const updateWebhookEndpointRoute = createRoute({
  method: "patch",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "updateWebhookEndpoint",
  tags: ["Webhooks"],
  summary: "Change a webhook endpoint",
  description:
    "URL, event types, description, enabled. Enabling an endpoint that delivery disabled clears the reason; " +
    "its pending deliveries resume.",
  ...v1Access({ role: "admin", scope: "webhooks:write" }, { module: "webhooks" }),
  request: {
    params: endpointIdParamSchema,
    body: { required: true, content: { "application/json": { schema: updateWebhookEndpointBodySchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Updated", content: { "application/json": { schema: webhookEndpointSchema } } },
    ...problemResponses(422),
  },
});

export const updateWebhookEndpoint = new OpenAPIHono<AppEnv>().openapi(updateWebhookEndpointRoute, async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  if (input.url !== undefined) assertWebhookUrl(input.url, urlPolicy(c));
  const changes: SQL[] = [];
  if (input.url !== undefined) changes.push(assignment(webhookEndpoints.url, input.url));
  if (input.enabled_events !== undefined) {
    const events = `{${input.enabled_events.join(",")}}`;
    changes.push(assignment(webhookEndpoints.enabledEvents, sql`${events}::text[]`));
  }
  if (input.description !== undefined) changes.push(assignment(webhookEndpoints.description, input.description));
  if (input.enabled !== undefined) {
    changes.push(assignment(webhookEndpoints.enabled, input.enabled));
    // Enabling by hand clears what automatic disabling left behind.
    if (input.enabled) {
      changes.push(assignment(webhookEndpoints.disabledReason, null), assignment(webhookEndpoints.failingSince, null));
    }
  }
  if (changes.length === 0) {
    throw new ApiError("validation_failed", "Nothing to change.", {
      errors: [{ field: "body", message: "name at least one of url, enabled_events, description, enabled" }],
    });
  }
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<EndpointRow>(sql`update webhook_endpoints set ${sql.join(changes, sql`, `)} where id = ${id}
      returning ${ENDPOINT_COLUMNS}`),
  ]);
  const [row] = result.rows;
  if (!row) throw notFound();
  return c.json(endpointBody(row), 200);
});
