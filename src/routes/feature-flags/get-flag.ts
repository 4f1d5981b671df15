import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { OPERATOR_PROBLEMS, operatorAccess } from "../operator/schemas";
import { type FeatureFlagBody, featureFlagBody, featureFlagSchema, flagKeyParams } from "./schemas";

export const getFlagRoute = createRoute({
  method: "get",
  path: "/internal/flags/{key}",
  operationId: "getFeatureFlag",
  summary: "One feature flag",
  ...operatorAccess({ readOnly: true }),
  request: { params: flagKeyParams },
  responses: {
    ...OPERATOR_PROBLEMS,
    200: { description: "The flag", content: { "application/json": { schema: featureFlagSchema } } },
  },
});

export const flagNotFound = (key: string) => new ApiError("not_found", `There is no feature flag "${key}".`);

export const getFlag = new OpenAPIHono<AppEnv>().openapi(getFlagRoute, async (c) => {
  const { key } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ flag: FeatureFlagBody | null }>(sql`select app.operator_get_flag(${key}) as flag`),
  ]);
  const flag = result.rows[0]?.flag;
  if (!flag) throw flagNotFound(key);
  return c.json(featureFlagBody(flag), 200);
});
