import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { OPERATOR_PROBLEMS, operatorAccess } from "../operator/schemas";
import { type EvaluatedFlag, evaluatedFlagSchema, flagKeySchema, flagValueSchema } from "./schemas";

const overrideParams = z.object({
  key: flagKeySchema.openapi({ param: { name: "key", in: "path" } }),
  tenantId: z.uuid().openapi({ param: { name: "tenantId", in: "path" } }),
});

const overrideBody = z
  .object({
    value: flagValueSchema,
    reason: z.string().trim().min(1).max(500).openapi({ example: "Beta tester for the new list" }),
  })
  .strict()
  .openapi("FeatureFlagOverride");

const evaluated = {
  description: "The flag as the tenant now sees it",
  content: { "application/json": { schema: evaluatedFlagSchema } },
};

export const setFlagOverrideRoute = createRoute({
  method: "put",
  path: "/internal/flags/{key}/tenants/{tenantId}",
  operationId: "setFeatureFlagOverride",
  summary: "Fix a flag's value for one tenant",
  description:
    "Wins over targeting and rollout from the tenant's next request on. Recorded in the platform audit log " +
    "(`flag.override_set`, with the previous value). 404 if the flag or the tenant does not exist.",
  ...operatorAccess({ readOnly: false }),
  request: {
    params: overrideParams,
    body: { required: true, content: { "application/json": { schema: overrideBody } } },
  },
  responses: { ...OPERATOR_PROBLEMS, 200: evaluated },
});

export const deleteFlagOverrideRoute = createRoute({
  method: "delete",
  path: "/internal/flags/{key}/tenants/{tenantId}",
  operationId: "deleteFeatureFlagOverride",
  summary: "Remove a tenant's override of a flag",
  description:
    "The tenant falls back to targeting, rollout and default. Recorded in the platform audit log " +
    "(`flag.override_removed`). 404 if there was no override.",
  ...operatorAccess({ readOnly: false }),
  request: { params: overrideParams },
  responses: { ...OPERATOR_PROBLEMS, 200: evaluated },
});

export const setFlagOverride = new OpenAPIHono<AppEnv>().openapi(setFlagOverrideRoute, async (c) => {
  const { key, tenantId } = c.req.valid("param");
  const { value, reason } = c.req.valid("json");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ flag: EvaluatedFlag | null }>(
      sql`select app.operator_set_flag_override(${key}, ${tenantId}::uuid, ${JSON.stringify(value)}::jsonb, ${reason}) as flag`,
    ),
  ]);
  const flag = result.rows[0]?.flag;
  if (!flag) throw new ApiError("not_found", `There is no feature flag "${key}" or no tenant ${tenantId}.`);
  return c.json(flag, 200);
});

export const deleteFlagOverride = new OpenAPIHono<AppEnv>().openapi(deleteFlagOverrideRoute, async (c) => {
  const { key, tenantId } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ flag: EvaluatedFlag | null }>(
      sql`select app.operator_delete_flag_override(${key}, ${tenantId}::uuid) as flag`,
    ),
  ]);
  const flag = result.rows[0]?.flag;
  if (!flag) throw new ApiError("not_found", `Tenant ${tenantId} has no override of "${key}".`);
  return c.json(flag, 200);
});
