import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { importStatements } from "../../companies-house/import-statements";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  type CompanyRow,
  companyBody,
  companyIdParamSchema,
  companyNumberSchema,
  companySchema,
  etagOf,
} from "./schemas";

export const importedCompanySchema = companySchema
  .extend({ officers_imported: z.number().int().openapi({ description: "Active officers written as contacts" }) })
  .openapi("ImportedCompany");

const IMPORT_COST = 10;

const responses = {
  ...V1_PROBLEMS,
  200: {
    description: "Updated from Companies House",
    content: { "application/json": { schema: importedCompanySchema } },
  },
  201: {
    description: "Created from Companies House",
    content: { "application/json": { schema: importedCompanySchema } },
  },
  ...problemResponses(502),
};

export const importCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies/import",
  tags: ["Companies"],
  summary: "Import a company from Companies House",
  description:
    "Fetches the profile and officers, then creates or updates the company (by number) and its active officers " +
    "(as contacts) in one transaction: nothing is written if anything fails. Unknown number: 404; Companies House " +
    "unavailable: 503 with Retry-After; unreadable data: 502.",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: IMPORT_COST }),
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ company_number: companyNumberSchema }).strict() } },
    },
  },
  responses,
});

interface ImportedRow extends CompanyRow {
  inserted: boolean;
}

function client(c: { var: AppEnv["Variables"] }) {
  const companiesHouse = c.var.companiesHouse;
  if (!companiesHouse) throw new ApiError("unavailable", "Companies House is not configured on this service.");
  return companiesHouse;
}

async function importNumber(c: { var: AppEnv["Variables"] }, number: string) {
  const { profile, officers } = await client(c).company(number);
  const statements = importStatements(profile, officers, c.var.config.COMPANIES_HOUSE_API_URL.replace(/\/$/, ""));
  const {
    results: [company, people],
  } = await c.var.scoped.batch((db) => [db.execute<ImportedRow>(statements.company), db.execute(statements.officers)]);
  const [row] = company.rows;
  if (!row) throw new Error("import wrote no company");
  return { row, officers: people.rows.length };
}

export const importCompany = new OpenAPIHono<AppEnv>().openapi(importCompanyRoute, async (c) => {
  const { company_number: number } = c.req.valid("json");
  const { row, officers } = await importNumber(c, number);
  c.header("Location", `/v1/companies/${row.id}`);
  c.header("ETag", etagOf(row));
  return c.json({ ...companyBody(row), officers_imported: officers }, row.inserted ? 201 : 200);
});

export const refreshCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies/{id}/refresh",
  tags: ["Companies"],
  summary: "Re-fetch a company from Companies House",
  description:
    "Two database round trips, with the Companies House call between them: the first reads the company's number, " +
    "the second writes the fresh data (one transaction).",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: IMPORT_COST }),
  request: { params: companyIdParamSchema },
  responses: { ...responses, ...problemResponses(422) },
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
  const { row, officers } = await importNumber(c, company.company_number);
  c.header("ETag", etagOf(row));
  return c.json({ ...companyBody(row), officers_imported: officers }, 200);
});
