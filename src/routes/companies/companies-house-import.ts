/**
 * What the import and refresh operations share: the imported-company schema and responses, and
 * the import itself (fetch from Companies House, then write company and officers in one batch).
 */
import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { importStatements } from "../../companies-house/import-statements";
import { MAX_OFFICERS } from "../../companies-house/upstream";
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
  ...problemResponses(502),
};

export type ImportedRow = CompanyRow & { inserted: boolean };

function companiesHouseClient(c: { var: AppEnv["Variables"] }) {
  const companiesHouse = c.var.companiesHouse;
  if (!companiesHouse) throw new ApiError("unavailable", "Companies House is not configured on this service.");
  return companiesHouse;
}

export interface ImportResult {
  status: 200 | 201;
  body: ImportedRow & { officers_imported: number };
}

/** Fetches from Companies House, then writes company and officers in one batch. */
export async function importNumber(
  c: Context<AppEnv>,
  number: string,
  idempotency: Idempotency,
): Promise<ImportResult> {
  const { profile, officers } = await companiesHouseClient(c).company(number);
  const statements = importStatements(profile, officers, c.var.config.COMPANIES_HOUSE_API_URL.replace(/\/$/, ""));
  // What a replay needs, read back in the batch's last statement. now() is the transaction's start,
  // so rows stamped with it are the ones this import wrote.
  const stored = sql`(select to_jsonb(r) from (
      select ${COMPANY_COLUMNS}, created_at = now() as inserted,
        (select count(*)::int from contacts k where k.company_id = companies.id and k.source = 'companies_house'
            and k.deleted_at is null and k.collected_at = now()) as officers_imported
        from companies where company_number = ${number}) r)`;
  const [company, people] = await idempotency.batch(
    c,
    (db) => [db.execute<ImportedRow>(statements.company), db.execute(statements.officers)],
    { status: sql`case when ${stored}->>'inserted' = 'true' then 201 else 200 end`, body: stored },
  );
  const [row] = company.rows;
  if (!row) throw new Error("import wrote no company");
  return { status: row.inserted ? 201 : 200, body: { ...row, officers_imported: people.rows.length } };
}

export function imported(c: Context<AppEnv>, { status, body }: ImportResult, location: boolean) {
  if (location) c.header("Location", `/v1/companies/${body.id}`);
  c.header("ETag", etagOf(body));
  return c.json({ ...companyBody(body), officers_imported: body.officers_imported }, status);
}
