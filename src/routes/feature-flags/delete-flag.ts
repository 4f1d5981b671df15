import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { OPERATOR_PROBLEMS, operatorAccess } from "../operator/schemas";
import { flagNotFound } from "./get-flag";
import { flagKeyParams } from "./schemas";

export const deleteFlagRoute = createRoute({
  method: "delete",
  path: "/internal/flags/{key}",
  operationId: "deleteFeatureFlag",
  summary: "Delete a feature flag",
  description:
    "With its per-tenant overrides; recorded in the platform audit log (`flag.deleted`, with the flag as it was).",
  ...operatorAccess({ readOnly: false }),
  request: { params: flagKeyParams },
  responses: { ...OPERATOR_PROBLEMS, 204: { description: "Deleted" } },
});

export const deleteFlag = new OpenAPIHono<AppEnv>().openapi(deleteFlagRoute, async (c) => {
  const { key } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ deleted: boolean }>(sql`select app.operator_delete_flag(${key}) as deleted`),
  ]);
  if (!result.rows[0]?.deleted) throw flagNotFound(key);
  return c.body(null, 204);
});
