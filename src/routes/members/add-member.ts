import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ROLES, type Role } from "../../db/schema/memberships";
import { problemResponses } from "../../errors/problem";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { memberBody, memberSchema } from "./schemas";

export const addMemberBodySchema = z
  .object({
    user_id: z.uuid().optional(),
    email: z.email().max(320).optional(),
    role: z.enum(ROLES),
  })
  .strict()
  .refine((body) => (body.user_id === undefined) !== (body.email === undefined), "give exactly one of user_id, email")
  .openapi("AddMember");

export const addMemberRoute = createRoute({
  method: "post",
  path: "/v1/members",
  operationId: "addMember",
  tags: ["Members"],
  summary: "Add a member",
  description:
    "Adds a user who has signed in at least once, by id or email. Only an owner can add another owner. Beyond the " +
    "plan's seat limit: 402 `quota_exceeded` (metric `seats`).",
  ...v1Access({ role: "admin", scope: "members:write" }),
  request: { body: { required: true, content: { "application/json": { schema: addMemberBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    201: {
      description: "Added",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: memberSchema } },
    },
    ...problemResponses(402, 409, 422),
  },
});

interface AddedRow extends Record<string, unknown> {
  user_id: string;
  email: string | null;
  name: string | null;
  role: Role;
  created_at: string;
}

export const addMember = new OpenAPIHono<AppEnv>().openapi(addMemberRoute, async (c) => {
  const body = c.req.valid("json");
  const {
    results: [, added],
  } = await c.var.scoped.batch((db) => [
    // Beyond the plan's seat limit: 402 and no member added (same transaction, tenant locked).
    db.execute(sql`select app.assert_seat_available(app.tenant_id())`),
    db.execute<AddedRow>(
      sql`select * from app.add_member(${body.user_id ?? null}::uuid, ${body.email ?? null}, ${body.role})`,
    ),
  ]);
  const row = added.rows[0];
  if (!row) throw new Error("app.add_member returned no row");
  c.header("Location", `/v1/members/${row.user_id}`);
  return c.json(memberBody({ ...row, userId: row.user_id, createdAt: row.created_at }), 201);
});
