import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { invitations } from "../../db/schema/invitations";
import { ApiError } from "../../errors/api-error";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { invitationIdParamSchema } from "./schemas";

export const revokeInvitationRoute = createRoute({
  method: "delete",
  path: "/v1/invitations/{id}",
  operationId: "revokeInvitation",
  tags: ["Invitations"],
  summary: "Revoke an invitation",
  description:
    "Its token stops working at once. Revoking a revoked or accepted invitation changes nothing (an accepted one made a member: remove the member instead).",
  ...v1Access({ role: "admin", scope: "members:write" }),
  request: { params: invitationIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    204: { description: "Revoked" },
  },
});

export const revokeInvitation = new OpenAPIHono<AppEnv>().openapi(revokeInvitationRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .update(invitations)
      .set({
        revokedAt: sql`case when ${invitations.acceptedAt} is null then coalesce(${invitations.revokedAt}, now()) end`,
      })
      .where(eq(invitations.id, id))
      .returning({ id: invitations.id }),
  ]);
  if (rows.length === 0) throw new ApiError("not_found", "No invitation with that id in this tenant.");
  return c.body(null, 204);
});
