import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { desc, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { apiKeys } from "../../db/schema/api-keys";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { apiKeyBody, apiKeySchema } from "./schemas";

export const listApiKeysRoute = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listApiKeys",
  tags: ["API keys"],
  summary: "List the tenant's API keys",
  description: "Newest first, revoked and expired keys included. Secrets are never shown again.",
  ...v1Access({ role: "admin", scope: "api_keys:read" }),
  request: { query: pageQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "A page of keys", content: { "application/json": { schema: pageSchema(apiKeySchema) } } },
  },
});

export const listApiKeys = new OpenAPIHono<AppEnv>().openapi(listApiKeysRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const before = decodeCursor(cursor, 2);
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .select()
      .from(apiKeys)
      .where(
        before
          ? sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (${before[0]}::timestamptz, ${before[1]}::uuid)`
          : undefined,
      )
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
      .limit(limit + 1),
  ]);
  const result = page(rows, limit, (row) => [row.createdAt, row.id]);
  return c.json({ items: result.items.map(apiKeyBody), next_cursor: result.next_cursor }, 200);
});
