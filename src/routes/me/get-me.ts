import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { memberships, ROLES } from "../../db/schema/memberships";
import { tenants } from "../../db/schema/tenants";
import { users } from "../../db/schema/users";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { tenantBody, tenantSchema } from "../tenants/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";

/** A bound on the answer's size; nobody works in more tenants than this. */
const MAX_MEMBERSHIPS_LISTED = 1000;

export const meSchema = z
  .object({
    user: z.object({
      id: z.uuid(),
      subject: z.string().max(255),
      email: z.string().max(320).nullable(),
      name: z.string().max(200).nullable(),
      created_at: timestampSchema,
    }),
    memberships: z
      .array(z.object({ tenant: tenantSchema, role: z.enum(ROLES), joined_at: timestampSchema }))
      .max(MAX_MEMBERSHIPS_LISTED)
      .openapi({ description: `The first ${MAX_MEMBERSHIPS_LISTED} by tenant name` }),
  })
  .openapi("Me");

export const getMeRoute = createRoute({
  method: "get",
  path: "/v1/me",
  operationId: "getMe",
  tags: ["Me"],
  summary: "The signed-in user and their tenants",
  description: "The first request of a new identity creates its user; `email` and `name` claims keep it current.",
  ...v1Access({ role: null, scope: null }),
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The caller", content: { "application/json": { schema: meSchema } } },
  },
});

export const getMe = new OpenAPIHono<AppEnv>().openapi(getMeRoute, async (c) => {
  const {
    results: [userRows, membershipRows],
  } = await c.var.scoped.batch((db) => [
    db.select().from(users).where(sql`${users.id} = app.user_id()`),
    // Without a tenant in the identity, RLS shows exactly the caller's own memberships.
    db
      .select({ tenant: tenants, role: memberships.role, joinedAt: memberships.createdAt })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(sql`${tenants.deletedAt} is null`)
      .orderBy(tenants.name, tenants.id)
      .limit(MAX_MEMBERSHIPS_LISTED),
  ]);
  const [user] = userRows;
  if (!user) throw new Error("begin_request did not create the user");
  return c.json(
    {
      user: {
        id: user.id,
        subject: user.subject,
        email: user.email,
        name: user.name,
        created_at: isoTimestamp(user.createdAt),
      },
      memberships: membershipRows.map((m) => ({
        tenant: tenantBody(m.tenant),
        role: m.role,
        joined_at: isoTimestamp(m.joinedAt),
      })),
    },
    200,
  );
});
