import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { textArray } from "../../db/sql-arrays";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import {
  IDEMPOTENCY_KEY_TTL_HOURS,
  Idempotency,
  idempotencyHeaderSchema,
  type StoredResponse,
} from "../../http/idempotency";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  COMPANY_COLUMNS,
  type CompanyRow,
  companyBody,
  companyNameSchema,
  companyNumberSchema,
  companySchema,
  etagOf,
  tagsSchema,
  websiteSchema,
} from "./schemas";

export const createCompanyBodySchema = z
  .object({
    name: companyNameSchema,
    company_number: companyNumberSchema.optional(),
    website: websiteSchema.optional(),
    tags: tagsSchema.optional(),
  })
  .strict()
  .openapi("CreateCompany");

export const createCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies",
  operationId: "createCompany",
  tags: ["Companies"],
  summary: "Add a company",
  description:
    "Company numbers are unique per tenant: a duplicate is a 409 naming the existing company. " +
    `Send an Idempotency-Key to retry safely (kept ${IDEMPOTENCY_KEY_TTL_HOURS} h).`,
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: 2 }),
  request: {
    headers: idempotencyHeaderSchema,
    body: { required: true, content: { "application/json": { schema: createCompanyBodySchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    201: {
      description: "Created",
      headers: responseHeaders("ETag", "Location"),
      content: { "application/json": { schema: companySchema } },
    },
    ...problemResponses(409, 422),
  },
});

interface InsertOutcome extends Record<string, unknown> {
  company: CompanyRow | null;
  existing_id: string | null;
}

export const createCompany = new OpenAPIHono<AppEnv>().openapi(createCompanyRoute, async (c) => {
  const input = c.req.valid("json");
  const idempotency = await Idempotency.of(c, c.req.valid("header")["idempotency-key"], input);
  const number = input.company_number ?? null;
  const id = crypto.randomUUID();
  const created = (company: CompanyRow) => {
    c.header("Location", `/v1/companies/${company.id}`);
    c.header("ETag", etagOf(company));
    return c.json(companyBody(company), 201);
  };

  return idempotency.run(
    c,
    async () => {
      const [result] = await idempotency.batch(
        c,
        (db) => [
          // Inserts unless the number is taken; either way one row says which happened.
          db.execute<InsertOutcome>(sql`with clash as (
            select id from companies where ${number}::text is not null and company_number = ${number}
          ), inserted as (
            insert into companies (id, name, company_number, website, domain, tags, source)
            select ${id}, ${input.name}, ${number}, ${input.website?.origin ?? null}, ${input.website?.domain ?? null},
                   ${textArray(input.tags ?? [])}, 'manual'
             where not exists (select 1 from clash)
            returning ${COMPANY_COLUMNS}
          )
          select to_jsonb(i) as company, null::uuid as existing_id from inserted i
          union all
          select null, d.id from clash d`),
        ],
        {
          status: 201,
          body: sql`select to_jsonb(r) from (select ${COMPANY_COLUMNS} from companies where id = ${id}) r`,
        },
      );
      const [row] = result.rows;
      if (!row) throw new Error("create company: no outcome");
      if (row.existing_id) {
        throw new ApiError("conflict", `A company with number ${number} already exists: ${row.existing_id}.`, {
          extensions: { existing_id: row.existing_id },
        });
      }
      return created(row.company as CompanyRow);
    },
    (stored: StoredResponse<CompanyRow>) => created(stored.body),
  );
});
