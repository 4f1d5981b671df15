import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { updatedOrThrow, type VersionedOutcome, versionedUpdate } from "../../db/versioned-update";
import { ApiError } from "../../errors/api-error";
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

const notFound = () => new ApiError("not_found", "No contact with that id in this tenant.");

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
    db.execute<ContactRow>(
      sql`select ${sql.raw(CONTACT_COLUMNS)} from contacts where id = ${id} and deleted_at is null`,
    ),
  ]);
  const [row] = result.rows;
  if (!row) throw notFound();
  c.header("ETag", etagOf(row));
  return c.json(contactBody(row), 200);
});

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

export const deleteContactRoute = createRoute({
  method: "delete",
  path: "/v1/contacts/{id}",
  operationId: "deleteContact",
  tags: ["Contacts"],
  summary: "Delete a contact",
  description: "Soft delete; the retention purge removes it for good. Erasure (GDPR) is a separate, immediate path.",
  ...v1Access({ role: "editor", scope: "companies:write" }),
  request: { params: contactIdParamSchema },
  responses: { ...V1_PROBLEMS, 204: { description: "Deleted" } },
});

export const deleteContact = new OpenAPIHono<AppEnv>().openapi(deleteContactRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute(sql`update contacts set deleted_at = now() where id = ${id} and deleted_at is null returning id`),
  ]);
  if (result.rows.length === 0) throw notFound();
  return c.body(null, 204);
});
