import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { apiKeys } from "../../db/schema/api-keys";
import { ApiError } from "../../errors/api-error";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { apiKeyIdParamSchema } from "./schemas";

export const revokeApiKeyRoute = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  operationId: "revokeApiKey",
  tags: ["API keys"],
  summary: "Revoke an API key",
  description: "Takes effect on the key's very next request. Revoking a revoked key is a no-op.",
  ...v1Access({ role: "admin", scope: "api_keys:write" }),
  request: { params: apiKeyIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    204: { description: "Revoked" },
  },
});

export const revokeApiKey = new OpenAPIHono<AppEnv>().openapi(revokeApiKeyRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(eq(apiKeys.id, id))
      .returning({ id: apiKeys.id }),
  ]);
  if (rows.length === 0) throw new ApiError("not_found", "No API key with that id in this tenant.");
  return c.body(null, 204);
});
