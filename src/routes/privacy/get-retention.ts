import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { RETENTION_SELECTION, retentionBody, type StoredPolicy } from "./retention-policy";
import { retentionSchema } from "./schemas";

export const getRetentionRoute = createRoute({
  method: "get",
  path: "/v1/privacy/retention",
  operationId: "getRetentionPolicy",
  tags: ["Privacy"],
  summary: "The tenant's retention periods",
  description: "Days each data class is kept before the daily purge deletes it, with defaults and bounds.",
  ...v1Access({ role: "admin", scope: "privacy:read" }),
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The policy in force", content: { "application/json": { schema: retentionSchema } } },
  },
});

export const getRetention = new OpenAPIHono<AppEnv>().openapi(getRetentionRoute, async (c) => {
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<StoredPolicy & Record<string, unknown>>(sql`select ${RETENTION_SELECTION} from retention_policies`),
  ]);
  return c.json(retentionBody(result.rows[0]), 200);
});
