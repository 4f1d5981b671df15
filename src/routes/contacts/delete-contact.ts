import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { contactIdParamSchema, contactNotFound } from "./schemas";

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
  if (result.rows.length === 0) throw contactNotFound();
  return c.body(null, 204);
});
