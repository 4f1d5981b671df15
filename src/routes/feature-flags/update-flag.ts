import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { problemResponses } from "../../errors/problem";
import { OPERATOR_PROBLEMS, operatorAccess } from "../operator/schemas";
import { flagNotFound } from "./get-flag";
import {
  type FeatureFlagBody,
  featureFlagBody,
  featureFlagSchema,
  flagKeyParams,
  updateFlagBodySchema,
} from "./schemas";

export const updateFlagRoute = createRoute({
  method: "patch",
  path: "/internal/flags/{key}",
  operationId: "updateFeatureFlag",
  summary: "Change a feature flag",
  description:
    "Changes the fields given; recorded in the platform audit log (`flag.updated`, with before and after). " +
    "Raising the rollout keeps every tenant already in it.",
  ...operatorAccess({ readOnly: false }),
  request: {
    params: flagKeyParams,
    body: { required: true, content: { "application/json": { schema: updateFlagBodySchema } } },
  },
  responses: {
    ...OPERATOR_PROBLEMS,
    ...problemResponses(422),
    200: { description: "The flag", content: { "application/json": { schema: featureFlagSchema } } },
  },
});

export const updateFlag = new OpenAPIHono<AppEnv>().openapi(updateFlagRoute, async (c) => {
  const { key } = c.req.valid("param");
  const changes = c.req.valid("json");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ flag: FeatureFlagBody | null }>(
      sql`select app.operator_update_flag(${key}, ${JSON.stringify(changes)}::jsonb) as flag`,
    ),
  ]);
  const flag = result.rows[0]?.flag;
  if (!flag) throw flagNotFound(key);
  return c.json(featureFlagBody(flag), 200);
});
