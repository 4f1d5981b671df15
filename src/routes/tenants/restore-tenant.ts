import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { problemResponses } from "../../errors/problem";
import { RETENTION_SETTINGS } from "../../privacy/retention";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { TENANT_COLUMNS, type TenantRow, tenantRowBody, tenantSchema } from "./schemas";

const WINDOW_DAYS = RETENTION_SETTINGS.deleted_records_days.default;

export const tenantIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

export const restoreTenantRoute = createRoute({
  method: "post",
  path: "/v1/tenants/{id}/restore",
  operationId: "restoreTenant",
  tags: ["Tenants"],
  summary: "Restore a deleted tenant",
  description:
    "Undoes `DELETE /v1/tenant` within the tenant's retention of deleted records (`deleted_records_days`, " +
    `default ${WINDOW_DAYS} days): the tenant, its members, keys and data answer again from the next request on. ` +
    "Owners of the deleted tenant only, signed in (API keys cannot). Once the window has passed the retention " +
    "cron purges the tenant and it cannot be restored (410). 404: no such tenant, or not a member; " +
    "403: a member who is not an owner; 409: the tenant is not deleted.",
  ...v1Access({ role: null, scope: null }),
  request: { params: tenantIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Restored", content: { "application/json": { schema: tenantSchema } } },
    ...problemResponses(409, 410),
  },
});

export const restoreTenant = new OpenAPIHono<AppEnv>().openapi(restoreTenantRoute, async (c) => {
  const { id } = c.req.valid("param");
  // Tenantless: begin_request refuses deleted tenants, so the owner check is app.restore_tenant's.
  const {
    results: [restored],
  } = await c.var.scoped.batch((db) => [
    db.execute<TenantRow>(sql`select ${TENANT_COLUMNS} from app.restore_tenant(${id})`),
  ]);
  const row = restored.rows[0];
  if (!row) throw new Error("app.restore_tenant returned no row");
  return c.json(tenantRowBody(row), 200);
});
