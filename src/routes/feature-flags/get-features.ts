import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { type EvaluatedFlag, evaluatedFlagSchema } from "./schemas";

export const getFeaturesRoute = createRoute({
  method: "get",
  path: "/v1/features",
  operationId: "getFeatures",
  tags: ["Tenants"],
  summary: "The tenant's feature flags, evaluated",
  description:
    "Every feature flag with the value it has for this tenant and why: an operator's `override`, `targeting` " +
    "(plan in force, sector), `rollout` (a stable bucket of tenant and flag) or `default`. Evaluated in " +
    "Postgres inside the request's one round trip.",
  ...v1Access({ role: "viewer", scope: "tenant:read" }),
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "The flags, by key",
      content: {
        "application/json": {
          schema: z
            .object({
              flags: z.record(z.string().max(63), evaluatedFlagSchema.omit({ key: true })),
            })
            .openapi("Features"),
        },
      },
    },
  },
});

export const getFeatures = new OpenAPIHono<AppEnv>().openapi(getFeaturesRoute, async (c) => {
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<EvaluatedFlag>(sql`select key, value, reason, description from app.tenant_features()`),
  ]);
  const flags = Object.fromEntries(result.rows.map(({ key, ...flag }) => [key, flag]));
  return c.json({ flags }, 200);
});
