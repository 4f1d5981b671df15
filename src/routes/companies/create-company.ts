import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { IDEMPOTENCY_KEY_TTL_HOURS, idempotencyHeaderSchema, requestFingerprint } from "../../http/idempotency";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  COMPANY_COLUMNS,
  type CompanyRow,
  companyBody,
  companyNumberSchema,
  companySchema,
  etagOf,
  tagsSchema,
  websiteSchema,
} from "./schemas";

export const createCompanyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(300),
    company_number: companyNumberSchema.optional(),
    website: websiteSchema.optional(),
    tags: tagsSchema.optional(),
  })
  .strict()
  .openapi("CreateCompany");

export const createCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies",
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
    201: { description: "Created", content: { "application/json": { schema: companySchema } } },
    ...problemResponses(409, 422),
  },
});

interface Outcome extends Record<string, unknown> {
  outcome: "created" | "replay" | "mismatch" | "duplicate";
  status: number | null;
  body: CompanyRow | { id: string } | null;
}

export const createCompany = new OpenAPIHono<AppEnv>().openapi(createCompanyRoute, async (c) => {
  const input = c.req.valid("json");
  const key = c.req.valid("header")["idempotency-key"] ?? null;
  const hash = key ? await requestFingerprint("POST", c.req.path, input) : null;
  const number = input.company_number ?? null;

  // One statement decides everything: a replay of the same key, a clash on the company number,
  // or the insert together with its idempotency record. Two concurrent first uses of one key
  // collide on idempotency_keys_pkey and the later one is a 409.
  const statement = sql`with existing as (
      select request_hash, status, response from idempotency_keys
       where ${key}::text is not null and key = ${key} and expires_at > now()
    ), clash as (
      select id from companies where ${number}::text is not null and company_number = ${number}
    ), created as (
      insert into companies (name, company_number, website, domain, tags, source)
      select ${input.name}, ${number}, ${input.website ?? null}, ${input.website ?? null},
             array(select jsonb_array_elements_text(${JSON.stringify(input.tags ?? [])}::jsonb)), 'manual'
       where not exists (select 1 from existing) and not exists (select 1 from clash)
      returning ${sql.raw(COMPANY_COLUMNS)}
    ), remembered as (
      insert into idempotency_keys (key, request_hash, status, response)
      select ${key}, ${hash}, 201, to_jsonb(r) from created r where ${key}::text is not null
    )
    select 'created' as outcome, 201 as status, to_jsonb(r) as body from created r
    union all
    select case when x.request_hash = ${hash} then 'replay' else 'mismatch' end, x.status, x.response from existing x
    union all
    select 'duplicate', 409, jsonb_build_object('id', d.id) from clash d where not exists (select 1 from existing)`;

  const {
    results: [, result],
  } = await c.var.scoped.batch((db) => [
    // Expired keys may be reused: forget them first (their own statement, so the insert below
    // does not meet the old row).
    db.execute(
      sql`delete from idempotency_keys where ${key}::text is not null and key = ${key} and expires_at <= now()`,
    ),
    db.execute<Outcome>(statement),
  ]);
  const [row] = result.rows;
  if (!row) throw new Error("create company: no outcome");
  switch (row.outcome) {
    case "mismatch":
      throw new ApiError("unprocessable", "This Idempotency-Key was used with another request body.", {
        errors: [{ field: "header.idempotency-key", message: "already used with another body" }],
      });
    case "duplicate": {
      const existingId = (row.body as { id: string }).id;
      throw new ApiError("conflict", `A company with number ${number} already exists: ${existingId}.`, {
        extensions: { existing_id: existingId },
      });
    }
    default: {
      const company = row.body as CompanyRow;
      c.header("Location", `/v1/companies/${company.id}`);
      c.header("ETag", etagOf(company));
      if (row.outcome === "replay") c.header("Idempotent-Replayed", "true");
      return c.json(companyBody(company), 201);
    }
  }
});
