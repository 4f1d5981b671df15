/**
 * What the import and refresh operations share: the imported-company schema and responses, and
 * the import itself (fetch from Companies House, then record changes and write company, officers and
 * PSCs in one batch).
 */
import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { importStatements } from "../../companies-house/import-statements";
import { MAX_OFFICERS, MAX_PSCS } from "../../companies-house/upstream";
import { meter } from "../../db/metering";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import type { Idempotency } from "../../http/idempotency";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS } from "../v1-route";
import { COMPANY_COLUMNS, type CompanyRow, companyBody, companySchema, etagOf } from "./schemas";

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

export const IMPORT_COST = 10;

export const importResponses = {
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

export type ImportedRow = CompanyRow & { inserted: boolean };

function companiesHouseClient(c: { var: AppEnv["Variables"] }) {
  const companiesHouse = c.var.companiesHouse;
  if (!companiesHouse) throw new ApiError("unavailable", "Companies House is not configured on this service.");
  return companiesHouse;
}

export interface ImportResult {
  status: 200 | 201;
  body: ImportedRow & { officers_imported: number; pscs_imported: number; changes_recorded: number };
}

/** Contacts this transaction wrote (now() is its start), split by the kind of reference they have. */
const IS_PSC = sql`(k.source_ref like '%/persons-with-significant-control/%' or k.source_ref like 'psc:%')`;

/** Fetches from Companies House, then records the changes and writes company, officers and PSCs in one batch. */
export async function importNumber(
  c: Context<AppEnv>,
  number: string,
  idempotency: Idempotency,
): Promise<ImportResult> {
  const fetched = await companiesHouseClient(c).company(number);
  const statements = importStatements(fetched, c.var.config.COMPANIES_HOUSE_API_URL.replace(/\/$/, ""));
  // What a replay needs, read back in the batch's last statement. now() is the transaction's start,
  // so rows stamped with it are the ones this import wrote.
  const stored = sql`(select to_jsonb(r) from (
      select ${COMPANY_COLUMNS}, created_at = now() as inserted,
        (select count(*)::int from contacts k where k.company_id = companies.id and k.source = 'companies_house'
            and k.deleted_at is null and k.collected_at = now() and not ${IS_PSC}) as officers_imported,
        (select count(*)::int from contacts k where k.company_id = companies.id and k.source = 'companies_house'
            and k.deleted_at is null and k.collected_at = now() and ${IS_PSC}) as pscs_imported,
        (select count(*)::int from company_changes h where h.company_id = companies.id and h.detected_at = now())
          as changes_recorded
        from companies where company_number = ${number}) r)`;
  // Counted in the write's own batch: over the quota (402) nothing is written.
  const [, changes, company, officers, pscs] = await idempotency.batch(
    c,
    (db) => [
      db.execute(meter("companies_house_imports", 1)),
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

export function imported(c: Context<AppEnv>, { status, body }: ImportResult, location: boolean) {
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
