import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { companyIdParamSchema } from "../companies/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { CONTACT_COLUMNS, type ContactRow, contactBody, contactSchema } from "./schemas";

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

type ListedContact = ContactRow & { created_order: string };

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
    db.execute<ListedContact>(sql`select ${CONTACT_COLUMNS}, created_at as created_order
      from contacts k where k.company_id = ${id} and k.deleted_at is null ${keyset}
      order by k.created_at, k.id limit ${limit + 1}`),
  ]);
  if (company.rows.length === 0) throw new ApiError("not_found", "No company with that id in this tenant.");
  const listed = page(result.rows, limit, (row) => [row.created_order, row.id]);
  return c.json({ items: listed.items.map(contactBody), next_cursor: listed.next_cursor }, 200);
});
