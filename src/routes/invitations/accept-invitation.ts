import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { INVITATION_ROLES, type InvitationRole } from "../../db/schema/invitations";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { hashInvitationToken, looksLikeInvitationToken } from "../../invitations/token";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const acceptInvitationBodySchema = z
  .object({ token: z.string().min(1).max(100).openapi({ example: "dti_…" }) })
  .strict()
  .openapi("AcceptInvitation");

export const acceptedInvitationSchema = z
  .object({
    tenant: z.object({ id: z.uuid(), slug: z.string().max(63), name: z.string().max(200) }),
    role: z.enum(INVITATION_ROLES),
    joined_at: timestampSchema,
  })
  .openapi("AcceptedInvitation");

export const acceptInvitationRoute = createRoute({
  method: "post",
  path: "/v1/invitations/accept",
  operationId: "acceptInvitation",
  tags: ["Invitations"],
  summary: "Accept an invitation",
  description:
    "Makes the signed-in user a member with the invited role. Their token must carry a verified email (`email_verified: true`) equal to the invited address. 404 unknown token, 409 already used (or already a member), 410 revoked, replaced or expired, 403 another address.",
  ...v1Access({ role: null, scope: null }),
  request: { body: { required: true, content: { "application/json": { schema: acceptInvitationBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Now a member", content: { "application/json": { schema: acceptedInvitationSchema } } },
    ...problemResponses(409, 410),
  },
});

interface AcceptedRow extends Record<string, unknown> {
  tenant_id: string;
  slug: string;
  name: string;
  role: InvitationRole;
  joined_at: string;
}

export const acceptInvitation = new OpenAPIHono<AppEnv>().openapi(acceptInvitationRoute, async (c) => {
  const { token } = c.req.valid("json");
  const principal = c.var.principal;
  if (principal.kind !== "user") throw new ApiError("forbidden", "Invitations are accepted by people, not API keys.");
  if (!principal.email) {
    throw new ApiError(
      "forbidden",
      "Your token carries no verified email address (email with email_verified: true); sign in again with the invited address.",
    );
  }
  if (!looksLikeInvitationToken(token)) throw new ApiError("not_found", "No invitation has this token.");
  const tokenHash = await hashInvitationToken(token);
  const {
    results: [accepted],
  } = await c.var.scoped.batch((db) => [
    db.execute<AcceptedRow>(sql`select * from app.accept_invitation(${tokenHash})`),
  ]);
  const row = accepted.rows[0];
  if (!row) throw new Error("app.accept_invitation returned no row");
  return c.json(
    {
      tenant: { id: row.tenant_id, slug: row.slug, name: row.name },
      role: row.role,
      joined_at: isoTimestamp(row.joined_at),
    },
    200,
  );
});
