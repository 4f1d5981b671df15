import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { companyNumberSchema } from "./schemas";

export const MAX_BULK_COMPANIES = 1000;

export const bulkAddCompaniesBodySchema = z
  .object({
    company_numbers: z
      .array(companyNumberSchema)
      .min(1)
      .max(MAX_BULK_COMPANIES)
      .transform((numbers) => [...new Set(numbers)]),
  })
  .strict()
  .openapi("BulkAddCompanies");

const numberedSchema = z.object({ id: z.uuid(), company_number: z.string().max(8) });

export const bulkAddCompaniesResultSchema = z
  .object({
    created: z.array(numberedSchema).max(MAX_BULK_COMPANIES),
    existed: z.array(numberedSchema).max(MAX_BULK_COMPANIES).openapi({
      description: "Already in the book (a deleted one is listed here too: restore it to use it again)",
    }),
    unknown: z.array(z.string().max(8)).max(MAX_BULK_COMPANIES).openapi({
      description: "Numbers the UK register does not have (or no longer has)",
    }),
  })
  .openapi("BulkAddCompaniesResult");

export const bulkAddCompaniesRoute = createRoute({
  method: "post",
  path: "/v1/companies/bulk",
  operationId: "bulkAddCompanies",
  tags: ["Companies"],
  summary: "Add register companies to the book",
  description:
    `Up to ${MAX_BULK_COMPANIES} company numbers from the UK register (\`GET /v1/register/companies\`) become ` +
    "companies of this tenant in one request, with the register's name, status, category, dates, SIC codes and " +
    "registered office. Repeating the request is harmless: companies already in the book are reported as `existed`.",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: 10, module: "register" }),
  request: {
    body: { required: true, content: { "application/json": { schema: bulkAddCompaniesBodySchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "Which numbers were created, which existed and which the register does not know",
      content: { "application/json": { schema: bulkAddCompaniesResultSchema } },
    },
  },
});

interface OutcomeRow extends Record<string, unknown> {
  company_number: string;
  created_id: string | null;
  existing_id: string | null;
}

export const bulkAddCompanies = new OpenAPIHono<AppEnv>().openapi(bulkAddCompaniesRoute, async (c) => {
  const { company_numbers: numbers } = c.req.valid("json");
  // One statement: the CTE's snapshot is taken before the insert, so `companies` below still shows
  // only what existed; the insert skips those (ON CONFLICT on the tenant's number key).
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<OutcomeRow>(sql`with wanted as (
        select distinct n from jsonb_array_elements_text(${JSON.stringify(numbers)}::jsonb) as n
      ), inserted as (
        insert into companies (name, company_number, status, type, date_of_creation, date_of_cessation, sic_codes,
                               registered_office, postcode, source, source_ref, fetched_at)
        select r.name, r.company_number, r.status, r.category, r.incorporation_date, r.dissolution_date, r.sic_codes,
               r.address, r.postcode, 'companies_house', 'register', r.updated_at
          from register_companies r join wanted w on w.n = r.company_number
         where r.gone_at is null
        on conflict (tenant_id, company_number) do nothing
        returning id, company_number
      )
      select w.n as company_number, i.id as created_id, e.id as existing_id
        from wanted w
        left join inserted i on i.company_number = w.n
        left join companies e on e.company_number = w.n
       order by w.n`),
  ]);
  const created: { id: string; company_number: string }[] = [];
  const existed: { id: string; company_number: string }[] = [];
  const unknown: string[] = [];
  for (const row of result.rows) {
    if (row.existing_id) existed.push({ id: row.existing_id, company_number: row.company_number });
    else if (row.created_id) created.push({ id: row.created_id, company_number: row.company_number });
    else unknown.push(row.company_number);
  }
  return c.json({ created, existed, unknown }, 200);
});
