import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { etagOf } from "../../http/etag";
import { Idempotency, idempotencyHeaderSchema, type StoredResponse } from "../../http/idempotency";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { responseHeaders } from "../../openapi/headers";
import { companyIdParamSchema } from "../companies/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { CONTACT_COLUMNS, type ContactRow, contactBody, contactFieldsSchema, contactSchema } from "./schemas";

export const listCompanyContactsRoute = createRoute({
  method: "get",
  path: "/v1/companies/{id}/contacts",
  operationId: "listCompanyContacts",
  tags: ["Contacts"],
  summary: "A company's contacts",
  description: "Oldest first, cursor-paginated. Another tenant's company is a 404.",
  ...v1Access({ role: "viewer", scope: "companies:read" }),
  request: { params: companyIdParamSchema, query: pageQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of contacts, oldest first",
      content: { "application/json": { schema: pageSchema(contactSchema) } },
    },
  },
});

interface ListedContact extends ContactRow {
  created_order: string;
}

export const listCompanyContacts = new OpenAPIHono<AppEnv>().openapi(listCompanyContactsRoute, async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor, 2);
  const keyset = after ? sql`and (k.created_at, k.id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``;
  const {
    results: [company, result],
  } = await c.var.scoped.batch((db) => [
    // Its own statement, so "no such company" is a 404 rather than an empty list.
    db.execute(sql`select 1 from companies where id = ${id} and deleted_at is null`),
    db.execute<ListedContact>(sql`select ${sql.raw(CONTACT_COLUMNS)}, created_at as created_order
      from contacts k where k.company_id = ${id} and k.deleted_at is null ${keyset}
      order by k.created_at, k.id limit ${limit + 1}`),
  ]);
  if (company.rows.length === 0) throw new ApiError("not_found", "No company with that id in this tenant.");
  const listed = page(result.rows, limit, (row) => [row.created_order, row.id]);
  return c.json({ items: listed.items.map(contactBody), next_cursor: listed.next_cursor }, 200);
});

export const createContactRoute = createRoute({
  method: "post",
  path: "/v1/companies/{id}/contacts",
  operationId: "createContact",
  tags: ["Contacts"],
  summary: "Add a contact to a company",
  description:
    "Personal data: `lawful_basis` is required and the record keeps its provenance. Emails are unique per company.",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: 2 }),
  request: {
    params: companyIdParamSchema,
    headers: idempotencyHeaderSchema,
    body: {
      required: true,
      content: { "application/json": { schema: contactFieldsSchema.strict().openapi("CreateContact") } },
    },
  },
  responses: {
    ...V1_PROBLEMS,
    201: {
      description: "Created",
      headers: responseHeaders("ETag", "Location"),
      content: { "application/json": { schema: contactSchema } },
    },
    ...problemResponses(409, 422),
  },
});

export const createContact = new OpenAPIHono<AppEnv>().openapi(createContactRoute, async (c) => {
  const { id: companyId } = c.req.valid("param");
  const input = c.req.valid("json");
  const idempotency = await Idempotency.of(c, c.req.valid("header")["idempotency-key"], input);
  const id = crypto.randomUUID();
  const created = (contact: ContactRow) => {
    c.header("Location", `/v1/contacts/${contact.id}`);
    c.header("ETag", etagOf(contact));
    return c.json(contactBody(contact), 201);
  };

  return idempotency.run(
    c,
    async () => {
      const [result] = await idempotency.batch(
        c,
        (db) => [
          db.execute<ContactRow>(sql`insert into contacts (id, company_id, name, job_title, email, phone, lawful_basis, source, source_url)
          select ${id}, ${companyId}, ${input.name}, ${input.job_title ?? null}, ${input.email ?? null}, ${input.phone ?? null},
                 ${input.lawful_basis}, 'manual', ${input.source_url ?? null}
           where exists (select 1 from companies where id = ${companyId} and deleted_at is null)
          returning ${sql.raw(CONTACT_COLUMNS)}`),
        ],
        {
          status: 201,
          body: sql`select to_jsonb(r) from (select ${sql.raw(CONTACT_COLUMNS)} from contacts where id = ${id}) r`,
        },
      );
      const [row] = result.rows;
      if (!row) throw new ApiError("not_found", "No company with that id in this tenant.");
      return created(row);
    },
    (stored: StoredResponse<ContactRow>) => created(stored.body),
  );
});
