import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { memberships } from "../../db/schema/memberships";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const transferOwnershipBodySchema = z
  .object({ user_id: z.uuid().openapi({ description: "A member of the tenant" }) })
  .strict()
  .openapi("TransferOwnership");

export const transferOwnershipRoute = createRoute({
  method: "post",
  path: "/v1/tenant/transfer-ownership",
  operationId: "transferTenantOwnership",
  tags: ["Tenants"],
  summary: "Make another member the owner",
  description: "The member becomes an owner and the caller becomes an admin, in one transaction.",
  ...v1Access({ role: "owner", scope: "tenant:write" }),
  request: { body: { required: true, content: { "application/json": { schema: transferOwnershipBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    204: { description: "Transferred" },
    ...problemResponses(409, 422),
  },
});

export const transferOwnership = new OpenAPIHono<AppEnv>().openapi(transferOwnershipRoute, async (c) => {
  const { user_id: userId } = c.req.valid("json");
  const {
    identity,
    results: [promoted],
  } = await c.var.scoped.batch((db) => [
    db
      .update(memberships)
      .set({ role: "owner" })
      .where(and(eq(memberships.userId, userId), sql`${memberships.userId} <> app.user_id()`))
      .returning({ userId: memberships.userId }),
    // Only once the new owner exists, so the tenant never has none.
    db
      .update(memberships)
      .set({ role: "admin" })
      .where(
        and(
          sql`${memberships.userId} = app.user_id()`,
          sql`exists (select 1 from memberships m where m.user_id = ${userId} and m.role = 'owner')`,
        ),
      ),
  ]);
  if (promoted.length === 0) {
    if (identity.userId === userId) throw new ApiError("unprocessable", "You already own this tenant.");
    throw new ApiError("unprocessable", "That user is not a member of this tenant.", {
      errors: [{ field: "body.user_id", message: "not a member of this tenant" }],
    });
  }
  return c.body(null, 204);
});
