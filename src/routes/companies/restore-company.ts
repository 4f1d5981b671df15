import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { RESTORE_WINDOW_DAYS } from "./delete-company";
import { COMPANY_COLUMNS, type CompanyRow, companyBody, companyIdParamSchema, companySchema, etagOf } from "./schemas";

export const restoreCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies/{id}/restore",
  operationId: "restoreCompany",
  tags: ["Companies"],
  summary: "Restore a deleted company",
  description:
    `Within the tenant's retention of deleted records (default ${RESTORE_WINDOW_DAYS} days, see /v1/privacy/retention). ` +
    "Restoring a company that is not deleted changes nothing.",
  ...v1Access({ role: "editor", scope: "companies:write" }),
  request: { params: companyIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "Restored",
      headers: responseHeaders("ETag"),
      content: { "application/json": { schema: companySchema } },
    },
    ...problemResponses(409),
  },
});

type RestoreOutcome = CompanyRow & { restorable: boolean };

export const restoreCompany = new OpenAPIHono<AppEnv>().openapi(restoreCompanyRoute, async (c) => {
  const { id } = c.req.valid("param");
  // The window is the tenant's retention of deleted records: restorable until purged.
  const window = sql`make_interval(days => coalesce((select deleted_records_days from retention_policies), ${RESTORE_WINDOW_DAYS}))`;
  const statement = sql`with restored as (
      update companies set deleted_at = null
       where id = ${id} and deleted_at is not null and deleted_at > now() - ${window}
      returning ${COMPANY_COLUMNS}
    )
    select r.*, true as restorable from restored r
    union all
    select ${COMPANY_COLUMNS}, deleted_at is null from companies
     where id = ${id} and not exists (select 1 from restored)`;
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [db.execute<RestoreOutcome>(statement)]);
  const [row] = result.rows;
  if (!row) throw new ApiError("not_found", "No company with that id in this tenant.");
  if (!row.restorable) {
    throw new ApiError(
      "conflict",
      "The company was deleted longer ago than the tenant's retention of deleted records and can no longer be restored.",
    );
  }
  c.header("ETag", etagOf(row));
  return c.json(companyBody(row), 200);
});
