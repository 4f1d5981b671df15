import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { RETENTION_SETTINGS } from "../../privacy/retention";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { companyIdParamSchema } from "./schemas";

/** Deleted companies can be restored for this long; the retention purge removes them after. */
/** Deleted companies stay restorable until the retention purge (the tenant's own setting, or this). */
export const RESTORE_WINDOW_DAYS = RETENTION_SETTINGS.deleted_records_days.default;

export const deleteCompanyRoute = createRoute({
  method: "delete",
  path: "/v1/companies/{id}",
  operationId: "deleteCompany",
  tags: ["Companies"],
  summary: "Delete a company",
  description: `Soft delete: restorable for ${RESTORE_WINDOW_DAYS} days with POST /v1/companies/{id}/restore, then purged.`,
  ...v1Access({ role: "editor", scope: "companies:write" }),
  request: { params: companyIdParamSchema },
  responses: { ...V1_PROBLEMS, 204: { description: "Deleted" } },
});

export const deleteCompany = new OpenAPIHono<AppEnv>().openapi(deleteCompanyRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute(sql`update companies set deleted_at = coalesce(deleted_at, now()) where id = ${id} returning id`),
  ]);
  if (result.rows.length === 0) throw new ApiError("not_found", "No company with that id in this tenant.");
  return c.body(null, 204);
});
