import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { importStatements } from "../../companies-house/import-statements";
import { MAX_OFFICERS } from "../../companies-house/upstream";
import { meter } from "../../db/metering";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { Idempotency, idempotencyHeaderSchema, type StoredResponse } from "../../http/idempotency";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  COMPANY_COLUMNS,
  type CompanyRow,
  companyBody,
  companyIdParamSchema,
  companyNumberSchema,
  companySchema,
  etagOf,
} from "./schemas";

export const importedCompanySchema = companySchema
  .extend({
    officers_imported: z
      .number()
      .int()
      .min(0)
      .max(MAX_OFFICERS)
      .openapi({ description: "Active officers written as contacts" }),
  })
  .openapi("ImportedCompany");

const IMPORT_COST = 10;

const responses = {
  ...V1_PROBLEMS,
  200: {
    description: "Updated from Companies House",
    headers: responseHeaders("ETag"),
    content: { "application/json": { schema: importedCompanySchema } },
  },
  201: {
    description: "Created from Companies House",
    headers: responseHeaders("ETag", "Location"),
    content: { "application/json": { schema: importedCompanySchema } },
  },
  ...problemResponses(402, 502),
};

export const importCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies/import",
  operationId: "importCompanyFromCompaniesHouse",
  tags: ["Companies"],
  summary: "Import a company from Companies House",
  description:
    "Fetches the profile and officers, then creates or updates the company (by number) and its active officers " +
    "(as contacts) in one transaction: nothing is written if anything fails. Counts one `companies_house_imports` " +
    "against the plan's monthly quota (over it: 402, nothing written). Unknown number: 404; Companies House " +
    "unavailable: 503 with Retry-After; unreadable data: 502.",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: IMPORT_COST }),
  request: {
    headers: idempotencyHeaderSchema,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ company_number: companyNumberSchema }).strict() } },
    },
  },
  responses: {
    ...responses,
    200: { ...responses[200], headers: responseHeaders("ETag", "Location") },
    ...problemResponses(422),
  },
});

interface ImportedRow extends CompanyRow {
  inserted: boolean;
}

function client(c: { var: AppEnv["Variables"] }) {
  const companiesHouse = c.var.companiesHouse;
  if (!companiesHouse) throw new ApiError("unavailable", "Companies House is not configured on this service.");
  return companiesHouse;
}

interface ImportResult {
  status: 200 | 201;
  body: ImportedRow & { officers_imported: number };
}

/** Fetches from Companies House, then writes company and officers in one batch. */
async function importNumber(c: Context<AppEnv>, number: string, idempotency: Idempotency): Promise<ImportResult> {
  const { profile, officers } = await client(c).company(number);
  const statements = importStatements(profile, officers, c.var.config.COMPANIES_HOUSE_API_URL.replace(/\/$/, ""));
  // What a replay needs, read back in the batch's last statement. now() is the transaction's start,
  // so rows stamped with it are the ones this import wrote.
  const stored = sql`(select to_jsonb(r) from (
      select ${sql.raw(COMPANY_COLUMNS)}, created_at = now() as inserted,
        (select count(*)::int from contacts k where k.company_id = companies.id and k.source = 'companies_house'
            and k.deleted_at is null and k.collected_at = now()) as officers_imported
        from companies where company_number = ${number}) r)`;
  // Counted in the write's own batch: over the quota (402) nothing is written.
  const [, company, people] = await idempotency.batch(
    c,
    (db) => [
      db.execute(meter("companies_house_imports", 1)),
      db.execute<ImportedRow>(statements.company),
      db.execute(statements.officers),
    ],
    { status: sql`case when ${stored}->>'inserted' = 'true' then 201 else 200 end`, body: stored },
  );
  const [row] = company.rows;
  if (!row) throw new Error("import wrote no company");
  return { status: row.inserted ? 201 : 200, body: { ...row, officers_imported: people.rows.length } };
}

function imported(c: Context<AppEnv>, { status, body }: ImportResult, location: boolean) {
  if (location) c.header("Location", `/v1/companies/${body.id}`);
  c.header("ETag", etagOf(body));
  return c.json({ ...companyBody(body), officers_imported: body.officers_imported }, status);
}

export const importCompany = new OpenAPIHono<AppEnv>().openapi(importCompanyRoute, async (c) => {
  const input = c.req.valid("json");
  const idempotency = await Idempotency.of(c, c.req.valid("header")["idempotency-key"], input);
  return idempotency.run(
    c,
    async () => imported(c, await importNumber(c, input.company_number, idempotency), true),
    (stored: StoredResponse<ImportResult["body"]>) =>
      imported(c, { status: stored.status === 201 ? 201 : 200, body: stored.body }, true),
  );
});

export const refreshCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies/{id}/refresh",
  operationId: "refreshCompanyFromCompaniesHouse",
  tags: ["Companies"],
  summary: "Re-fetch a company from Companies House",
  description:
    "Two database round trips, with the Companies House call between them: the first reads the company's number, " +
    "the second writes the fresh data (one transaction) and counts one `companies_house_imports` (over the quota: 402).",
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
  const result = await importNumber(c, company.company_number, Idempotency.none);
  return imported(c, { ...result, status: 200 }, false);
});
