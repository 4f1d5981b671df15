import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { page, pageSchema } from "../../http/pagination";
import { companyIdParamSchema } from "../companies/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { type ChangeRow, changeBody, changeSchema, changesQuerySchema, changesStatement } from "./schemas";

export const listCompanyChangesRoute = createRoute({
  method: "get",
  path: "/v1/companies/{id}/changes",
  operationId: "listCompanyChanges",
  tags: ["Changes"],
  summary: "What changed at a company",
  description:
    "The company's changes found between Companies House fetches, newest first, cursor-paginated; filter by " +
    "`type` and `since`. Another tenant's company is a 404.",
  ...v1Access({ role: "viewer", scope: "companies:read" }),
  request: { params: companyIdParamSchema, query: changesQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of the company's changes, newest first",
      content: { "application/json": { schema: pageSchema(changeSchema) } },
    },
  },
});

export const listCompanyChanges = new OpenAPIHono<AppEnv>().openapi(listCompanyChangesRoute, async (c) => {
  const { id } = c.req.valid("param");
  const query = c.req.valid("query");
  const {
    results: [company, result],
  } = await c.var.scoped.batch((db) => [
    // Its own statement, so "no such company" is a 404 rather than an empty list.
    db.execute(sql`select 1 from companies where id = ${id}`),
    db.execute<ChangeRow>(changesStatement(sql`h.company_id = ${id}`, query)),
  ]);
  if (company.rows.length === 0) throw new ApiError("not_found", "No company with that id in this tenant.");
  const listed = page(result.rows, query.limit, (row) => [row.detected_at, row.id]);
  return c.json({ items: listed.items.map(changeBody), next_cursor: listed.next_cursor }, 200);
});
