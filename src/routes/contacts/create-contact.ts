import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { etagOf } from "../../http/etag";
import { Idempotency, idempotencyHeaderSchema, type StoredResponse } from "../../http/idempotency";
import { responseHeaders } from "../../openapi/headers";
import { companyIdParamSchema } from "../companies/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { CONTACT_COLUMNS, type ContactRow, contactBody, contactFieldsSchema, contactSchema } from "./schemas";

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
          returning ${CONTACT_COLUMNS}`),
        ],
        {
          status: 201,
          body: sql`select to_jsonb(r) from (select ${CONTACT_COLUMNS} from contacts where id = ${id}) r`,
        },
      );
      const [row] = result.rows;
      if (!row) throw new ApiError("not_found", "No company with that id in this tenant.");
      return created(row);
    },
    (stored: StoredResponse<ContactRow>) => created(stored.body),
  );
});
