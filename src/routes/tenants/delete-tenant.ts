import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { tenants } from "../../db/schema/tenants";
import { RETENTION_SETTINGS } from "../../privacy/retention";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const deleteTenantRoute = createRoute({
  method: "delete",
  path: "/v1/tenant",
  operationId: "deleteTenant",
  tags: ["Tenants"],
  summary: "Delete the current tenant",
  description:
    "Soft delete: from the next request on, the tenant answers 404 to everyone. An owner can undo it with " +
    "`POST /v1/tenants/{id}/restore` within the tenant's retention of deleted records (`deleted_records_days`, " +
    `default ${RETENTION_SETTINGS.deleted_records_days.default} days); after that the retention cron purges ` +
    "the tenant and all its data for good.",
  ...v1Access({ role: "owner", scope: "tenant:write" }),
  responses: {
    ...V1_PROBLEMS,
    204: { description: "Deleted" },
  },
});

export const deleteTenant = new OpenAPIHono<AppEnv>().openapi(deleteTenantRoute, async (c) => {
  await c.var.scoped.batch((db) => [
    db.update(tenants).set({ deletedAt: sql`now()` }).where(sql`${tenants.id} = app.tenant_id()`),
  ]);
  return c.body(null, 204);
});
