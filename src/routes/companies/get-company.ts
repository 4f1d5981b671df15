import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { ifNoneMatchHeaderSchema } from "../../http/etag";
import { jsonText } from "../../http/json-text";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { COMPANY_BODY, withSicEntries } from "./company-json";
import { type CompanyBody, companyIdParamSchema, companySchema, etagOf } from "./schemas";

export const getCompanyRoute = createRoute({
  method: "get",
  path: "/v1/companies/{id}",
  operationId: "getCompany",
  tags: ["Companies"],
  summary: "A company",
  description: "Deleted companies are shown (with `deleted_at`) until purged, so they can be restored.",
  ...v1Access({ role: "viewer", scope: "companies:read" }),
  request: { params: companyIdParamSchema, headers: ifNoneMatchHeaderSchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "The company; ETag carries its version",
      headers: responseHeaders("ETag"),
      content: { "application/json": { schema: companySchema } },
    },
    304: { description: "Not modified (If-None-Match)", headers: responseHeaders("ETag") },
  },
});

export const getCompany = new OpenAPIHono<AppEnv>().openapi(getCompanyRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ id: string; version: number; body: string }>(
      sql`select id, version, ${COMPANY_BODY} as body from companies where id = ${id}`,
    ),
  ]);
  const [row] = result.rows;
  if (!row) throw new ApiError("not_found", "No company with that id in this tenant.");
  const etag = etagOf(row);
  c.header("ETag", etag);
  if (
    c.req
      .valid("header")
      ["if-none-match"]?.split(",")
      .some((tag) => tag.trim() === etag)
  )
    return c.body(null, 304);
  // The body as Postgres wrote it (company-json.ts); c.json would parse nothing but serialise again.
  return jsonText<CompanyBody, 200>(c, withSicEntries(row.body), 200);
});
