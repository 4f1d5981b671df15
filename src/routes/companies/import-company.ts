import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { importStatements } from "../../companies-house/import-statements";
import { MAX_OFFICERS, MAX_PSCS } from "../../companies-house/upstream";
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
    pscs_imported: z
      .number()
      .int()
      .min(0)
      .max(MAX_PSCS)
      .openapi({ description: "Individuals with significant control (still in control) written as contacts" }),
    changes_recorded: z
      .number()
      .int()
      .min(0)
      .max(2 * (MAX_OFFICERS + MAX_PSCS) + 7)
      .openapi({
        description: "Differences from the previous fetch, recorded as changes (GET /v1/companies/{id}/changes)",
      }),
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
  ...problemResponses(502),
};

export const importCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies/import",
  operationId: "importCompanyFromCompaniesHouse",
  tags: ["Companies"],
  summary: "Import a company from Companies House",
  description:
    "Fetches the profile, officers, persons with significant control, latest accounts filing, and (when the profile " +
    "says there are any) charges and insolvency cases, then creates or updates the company (by number), its active " +
    "officers and individual PSCs (as contacts, with lawful basis and provenance; erased people are skipped) and " +
    "records what changed since the last fetch, in one transaction: nothing is written if anything fails. Unknown number: 404; Companies House " +
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
  body: ImportedRow & { officers_imported: number; pscs_imported: number; changes_recorded: number };
}

/** Contacts this transaction wrote (now() is its start), split by the kind of reference they have. */
const IS_PSC = sql.raw(`(k.source_ref like '%/persons-with-significant-control/%' or k.source_ref like 'psc:%')`);

/** Fetches from Companies House, then writes company and officers in one batch. */
async function importNumber(c: Context<AppEnv>, number: string, idempotency: Idempotency): Promise<ImportResult> {
  const fetched = await client(c).company(number);
  const statements = importStatements(fetched, c.var.config.COMPANIES_HOUSE_API_URL.replace(/\/$/, ""));
  // What a replay needs, read back in the batch's last statement. now() is the transaction's start,
  // so rows stamped with it are the ones this import wrote.
  const stored = sql`(select to_jsonb(r) from (
      select ${sql.raw(COMPANY_COLUMNS)}, created_at = now() as inserted,
        (select count(*)::int from contacts k where k.company_id = companies.id and k.source = 'companies_house'
            and k.deleted_at is null and k.collected_at = now() and not ${IS_PSC}) as officers_imported,
        (select count(*)::int from contacts k where k.company_id = companies.id and k.source = 'companies_house'
            and k.deleted_at is null and k.collected_at = now() and ${IS_PSC}) as pscs_imported,
        (select count(*)::int from company_changes h where h.company_id = companies.id and h.detected_at = now())
          as changes_recorded
        from companies where company_number = ${number}) r)`;
  const [changes, company, officers, pscs] = await idempotency.batch(
    c,
    (db) => [
      db.execute(statements.changes),
      db.execute<ImportedRow>(statements.company),
      db.execute(statements.officers),
      db.execute(statements.pscs),
    ],
    { status: sql`case when ${stored}->>'inserted' = 'true' then 201 else 200 end`, body: stored },
  );
  const [row] = company.rows;
  if (!row) throw new Error("import wrote no company");
  return {
    status: row.inserted ? 201 : 200,
    body: {
      ...row,
      officers_imported: officers.rows.length,
      pscs_imported: pscs.rows.length,
      changes_recorded: changes.rows.length,
    },
  };
}

function imported(c: Context<AppEnv>, { status, body }: ImportResult, location: boolean) {
  if (location) c.header("Location", `/v1/companies/${body.id}`);
  c.header("ETag", etagOf(body));
  return c.json(
    {
      ...companyBody(body),
      officers_imported: body.officers_imported,
      pscs_imported: body.pscs_imported,
      changes_recorded: body.changes_recorded,
    },
    status,
  );
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
    "the second writes the fresh data and records the changes since the last fetch (one transaction).",
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
