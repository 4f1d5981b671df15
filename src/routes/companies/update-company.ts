import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { SQL } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { companies } from "../../db/schema/companies";
import { assignment } from "../../db/selection";
import { textArray } from "../../db/sql-arrays";
import { updatedOrThrow, type VersionedOutcome, versionedUpdate } from "../../db/versioned-update";
import { problemResponses } from "../../errors/problem";
import { expectedVersion, ifMatchHeaderSchema } from "../../http/etag";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  COMPANY_COLUMNS,
  type CompanyRow,
  companyBody,
  companyIdParamSchema,
  companyNameSchema,
  companyNumberSchema,
  companySchema,
  etagOf,
  tagsSchema,
  websiteSchema,
} from "./schemas";

export const updateCompanyBodySchema = z
  .object({
    name: companyNameSchema.optional(),
    company_number: companyNumberSchema.nullable().optional(),
    website: websiteSchema
      .nullable()
      .optional()
      .openapi({ type: ["string", "null"], description: "null removes the website" }),
    tags: tagsSchema.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, "give at least one field")
  .openapi("UpdateCompany");

export const updateCompanyRoute = createRoute({
  method: "patch",
  path: "/v1/companies/{id}",
  operationId: "updateCompany",
  tags: ["Companies"],
  summary: "Change a company",
  description:
    "Send `If-Match` with the ETag you read: if the company changed since, the answer is 412 and nothing changes.",
  ...v1Access({ role: "editor", scope: "companies:write" }),
  request: {
    params: companyIdParamSchema,
    headers: ifMatchHeaderSchema,
    body: { required: true, content: { "application/json": { schema: updateCompanyBodySchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "Updated",
      headers: responseHeaders("ETag"),
      content: { "application/json": { schema: companySchema } },
    },
    ...problemResponses(409, 412),
  },
});

export const updateCompany = new OpenAPIHono<AppEnv>().openapi(updateCompanyRoute, async (c) => {
  const { id } = c.req.valid("param");
  const changes = c.req.valid("json");
  const ifMatch = c.req.valid("header")["if-match"];
  // Strong comparison (RFC 9110): only this company's current `"<id>.<version>"` matches.
  const expected = expectedVersion(ifMatch, id);

  const assignments: SQL[] = [];
  if (changes.name !== undefined) assignments.push(assignment(companies.name, changes.name));
  if (changes.company_number !== undefined)
    assignments.push(assignment(companies.companyNumber, changes.company_number));
  if (changes.website !== undefined) {
    assignments.push(
      assignment(companies.website, changes.website?.origin ?? null),
      assignment(companies.domain, changes.website?.domain ?? null),
    );
  }
  if (changes.tags !== undefined) {
    assignments.push(assignment(companies.tags, textArray(changes.tags)));
  }
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<CompanyRow & VersionedOutcome>(versionedUpdate(companies, COMPANY_COLUMNS, id, assignments, expected)),
  ]);
  const row = updatedOrThrow(result.rows[0], "company", etagOf);
  c.header("ETag", etagOf(row));
  return c.json(companyBody(row), 200);
});
