import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { etagOf } from "../../http/etag";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  CONTACT_COLUMNS,
  type ContactRow,
  contactBody,
  contactIdParamSchema,
  contactNotFound,
  contactSchema,
} from "./schemas";

export const getContactRoute = createRoute({
  method: "get",
  path: "/v1/contacts/{id}",
  operationId: "getContact",
  tags: ["Contacts"],
  summary: "A contact, with its provenance",
  description: "With its lawful basis, source, source URL and collection time; the ETag carries its version.",
  ...v1Access({ role: "viewer", scope: "companies:read" }),
  request: { params: contactIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "The contact",
      headers: responseHeaders("ETag"),
      content: { "application/json": { schema: contactSchema } },
    },
  },
});

export const getContact = new OpenAPIHono<AppEnv>().openapi(getContactRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<ContactRow>(sql`select ${CONTACT_COLUMNS} from contacts where id = ${id} and deleted_at is null`),
  ]);
  const [row] = result.rows;
  if (!row) throw contactNotFound();
  c.header("ETag", etagOf(row));
  return c.json(contactBody(row), 200);
});
