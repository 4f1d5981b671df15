import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Column, SQL } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { contacts } from "../../db/schema/contacts";
import { assignment } from "../../db/selection";
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

/** The column each field of the body writes. */
const COLUMN_OF = {
  name: contacts.name,
  job_title: contacts.jobTitle,
  email: contacts.email,
  phone: contacts.phone,
  lawful_basis: contacts.lawfulBasis,
  source_url: contacts.sourceUrl,
} satisfies Record<keyof z.infer<typeof updateContactBodySchema>, Column>;

export const updateContact = new OpenAPIHono<AppEnv>().openapi(updateContactRoute, async (c) => {
  const { id } = c.req.valid("param");
  const changes = c.req.valid("json");
  const ifMatch = c.req.valid("header")["if-match"];
  const expected = expectedVersion(ifMatch, id);
  const assignments: SQL[] = (Object.keys(changes) as (keyof typeof COLUMN_OF)[]).map((field) =>
    assignment(COLUMN_OF[field], changes[field] ?? null),
  );
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<ContactRow & VersionedOutcome>(versionedUpdate(contacts, CONTACT_COLUMNS, id, assignments, expected)),
  ]);
  const row = updatedOrThrow(result.rows[0], "contact", etagOf);
  c.header("ETag", etagOf(row));
  return c.json(contactBody(row), 200);
});
