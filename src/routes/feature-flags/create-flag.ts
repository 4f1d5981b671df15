import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { problemResponses } from "../../errors/problem";
import { OPERATOR_PROBLEMS, operatorAccess } from "../operator/schemas";
import { createFlagBodySchema, type FeatureFlagBody, featureFlagBody, featureFlagSchema } from "./schemas";

export const createFlagRoute = createRoute({
  method: "post",
  path: "/internal/flags",
  operationId: "createFeatureFlag",
  summary: "Create a feature flag",
  description:
    "Recorded in the platform audit log (`flag.created`). A taken key is 409; a target plan that does not exist " +
    "is 422. Tenants see the flag from their next request on (`GET /v1/features`).",
  ...operatorAccess({ readOnly: false }),
  request: { body: { required: true, content: { "application/json": { schema: createFlagBodySchema } } } },
  responses: {
    ...OPERATOR_PROBLEMS,
    ...problemResponses(409, 422),
    201: { description: "The flag", content: { "application/json": { schema: featureFlagSchema } } },
  },
});

export const createFlag = new OpenAPIHono<AppEnv>().openapi(createFlagRoute, async (c) => {
  const body = c.req.valid("json");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ flag: FeatureFlagBody }>(sql`select app.operator_create_flag(${JSON.stringify(body)}::jsonb) as flag`),
  ]);
  const flag = result.rows[0]?.flag;
  if (!flag) throw new Error("app.operator_create_flag returned nothing");
  return c.json(featureFlagBody(flag), 201);
});
