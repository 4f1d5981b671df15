import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { updatedOrThrow, type VersionedOutcome, versionedUpdate } from "../../db/versioned-update";
import { problemResponses } from "../../errors/problem";
import { etagOf, expectedVersion, ifMatchHeaderSchema } from "../../http/etag";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  CONTACT_COLUMNS,
  type ContactRow,
  contactBody,
  contactFieldsSchema,
  contactIdParamSchema,
  contactSchema,
} from "./schemas";

export const updateContactBodySchema = contactFieldsSchema
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, "give at least one field")
  .openapi("UpdateContact");

export const updateContactRoute = createRoute({
  method: "patch",
  path: "/v1/contacts/{id}",
  operationId: "updateContact",
  tags: ["Contacts"],
  summary: "Correct a contact (GDPR rectification)",
  description: "`If-Match` with the ETag you read: a stale one is a 412 and nothing changes.",
  ...v1Access({ role: "editor", scope: "companies:write" }),
  request: {
    params: contactIdParamSchema,
    headers: ifMatchHeaderSchema,
    body: { required: true, content: { "application/json": { schema: updateContactBodySchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "Updated",
      headers: responseHeaders("ETag"),
      content: { "application/json": { schema: contactSchema } },
    },
    ...problemResponses(409, 412),
  },
});

const COLUMN_OF: Record<string, string> = {
  name: "name",
  job_title: "job_title",
  email: "email",
  phone: "phone",
  lawful_basis: "lawful_basis",
  source_url: "source_url",
};

export const updateContact = new OpenAPIHono<AppEnv>().openapi(updateContactRoute, async (c) => {
  const { id } = c.req.valid("param");
  const changes = c.req.valid("json");
  const ifMatch = c.req.valid("header")["if-match"];
  const expected = expectedVersion(ifMatch, id);
  const assignments: SQL[] = Object.entries(changes).map(
    ([field, value]) => sql`${sql.raw(COLUMN_OF[field] ?? "name")} = ${value ?? null}`,
  );
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<ContactRow & VersionedOutcome>(versionedUpdate("contacts", CONTACT_COLUMNS, id, assignments, expected)),
  ]);
  const row = updatedOrThrow(result.rows[0], "contact", etagOf);
  c.header("ETag", etagOf(row));
  return c.json(contactBody(row), 200);
});
