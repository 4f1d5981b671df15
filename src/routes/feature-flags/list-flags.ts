import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { OPERATOR_PROBLEMS, operatorAccess } from "../operator/schemas";
import { type FeatureFlagBody, featureFlagBody, featureFlagSchema } from "./schemas";

export const listFlagsRoute = createRoute({
  method: "get",
  path: "/internal/flags",
  operationId: "listFeatureFlags",
  summary: "Every feature flag",
  description: "Ordered by key, each with its targeting, rollout and per-tenant overrides.",
  ...operatorAccess({ readOnly: true }),
  responses: {
    ...OPERATOR_PROBLEMS,
    200: {
      description: "The flags",
      content: { "application/json": { schema: z.object({ items: z.array(featureFlagSchema).max(10_000) }) } },
    },
  },
});

export const listFlags = new OpenAPIHono<AppEnv>().openapi(listFlagsRoute, async (c) => {
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ flag: FeatureFlagBody }>(sql`select app.operator_list_flags() as flag`),
  ]);
  return c.json({ items: result.rows.map((row) => featureFlagBody(row.flag)) }, 200);
});
