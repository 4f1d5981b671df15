import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { Idempotency } from "../../http/idempotency";
import { v1Access } from "../v1-route";
import { IMPORT_COST, imported, importNumber, importResponses } from "./companies-house-import";
import { companyIdParamSchema } from "./schemas";

export const refreshCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies/{id}/refresh",
  operationId: "refreshCompanyFromCompaniesHouse",
  tags: ["Companies"],
  summary: "Re-fetch a company from Companies House",
  description:
    "Two database round trips, with the Companies House call between them: the first reads the company's number, " +
    "the second writes the fresh data, records the changes since the last fetch (one transaction) and counts one " +
    "`companies_house_imports` (over the quota: 402).",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: IMPORT_COST, module: "companies_house" }),
  request: { params: companyIdParamSchema },
  responses: { ...importResponses, ...problemResponses(422) },
});

export const refreshCompany = new OpenAPIHono<AppEnv>().openapi(refreshCompanyRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [found],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ company_number: string | null }>(
      sql`select company_number from companies where id = ${id} and deleted_at is null`,
    ),
  ]);
  const [company] = found.rows;
  if (!company) throw new ApiError("not_found", "No company with that id in this tenant.");
  if (!company.company_number) {
    throw new ApiError("unprocessable", "The company has no company number to look up at Companies House.");
  }
  const result = await importNumber(c, company.company_number, Idempotency.none);
  return imported(c, { ...result, status: 200 }, false);
});
