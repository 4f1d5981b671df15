import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { problemResponses } from "../../errors/problem";
import { responseHeaders } from "../../openapi/headers";
import { generateSecret, sealSecret } from "../../webhooks/secrets";
import { assertWebhookUrl } from "../../webhooks/url-guard";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  ENDPOINT_COLUMNS,
  type EndpointRow,
  enabledEventsSchema,
  endpointBody,
  MAX_URL,
  secretsKey,
  urlPolicy,
  webhookEndpointWithSecretSchema,
} from "./schemas";

export const createWebhookEndpointBodySchema = z
  .object({
    url: z.string().trim().max(MAX_URL).openapi({ example: "https://crm.example.com/hooks/detecktiv" }),
    enabled_events: enabledEventsSchema,
    description: z.string().trim().max(500).optional(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .openapi("CreateWebhookEndpoint");

export const createWebhookEndpointRoute = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  operationId: "createWebhookEndpoint",
  tags: ["Webhooks"],
  summary: "Add a webhook endpoint",
  description:
    "An https URL on a public address (the scraper's SSRF guard; no private, loopback or special addresses, " +
    "default port only). The signing secret is in this response only.",
  ...v1Access({ role: "admin", scope: "webhooks:write" }, { module: "webhooks" }),
  request: {
    body: { required: true, content: { "application/json": { schema: createWebhookEndpointBodySchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    201: {
      description: "Created",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: webhookEndpointWithSecretSchema } },
    },
    ...problemResponses(422),
  },
});

export const createWebhookEndpoint = new OpenAPIHono<AppEnv>().openapi(createWebhookEndpointRoute, async (c) => {
  const input = c.req.valid("json");
  assertWebhookUrl(input.url, urlPolicy(c));
  const id = crypto.randomUUID();
  const secret = generateSecret();
  const sealed = await sealSecret(secret, id, secretsKey(c));
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<EndpointRow>(sql`insert into webhook_endpoints (id, url, description, enabled_events, enabled, secret)
      values (${id}, ${input.url}, ${input.description ?? null}, ${`{${input.enabled_events.join(",")}}`}::text[],
        ${input.enabled}, ${sealed})
      returning ${ENDPOINT_COLUMNS}`),
  ]);
  const [row] = result.rows;
  if (!row) throw new Error("insert returned no endpoint");
  c.header("Location", `/v1/webhook-endpoints/${row.id}`);
  return c.json({ ...endpointBody(row), secret }, 201);
});
