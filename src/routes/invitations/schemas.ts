import { z } from "@hono/zod-openapi";
import { INVITATION_ROLES, type Invitation } from "../../db/schema/invitations";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";

export const INVITATION_STATUSES = ["pending", "accepted", "revoked", "expired"] as const;

export const invitationSchema = z
  .object({
    id: z.uuid(),
    email: z.string().max(320),
    role: z.enum(INVITATION_ROLES),
    status: z.enum(INVITATION_STATUSES),
    invited_by: z.uuid().nullable(),
    created_at: timestampSchema,
    expires_at: timestampSchema,
    accepted_at: timestampSchema.nullable(),
    revoked_at: timestampSchema.nullable(),
  })
  .openapi("Invitation");

export const createInvitationBodySchema = z
  .object({
    email: z.email().max(320),
    role: z.enum(INVITATION_ROLES).openapi({ description: "The owner role moves by transfer of ownership only." }),
  })
  .strict()
  .openapi("CreateInvitation");

export const createdInvitationSchema = invitationSchema
  .extend({
    delivery: z.enum(["email", "link"]).openapi({
      description:
        "`email`: sent to the invitee by the configured email provider. `link`: no provider is configured (or it failed): pass `accept_url` on yourself; it is shown only in this response.",
    }),
    accept_url: z
      .url()
      .max(2048)
      .nullable()
      .openapi({ description: "Only when `delivery` is `link`: the single-use link (carries the token)." }),
    token: z
      .string()
      .max(47)
      .nullable()
      .openapi({ description: "Only when `delivery` is `link`: the token `POST /v1/invitations/accept` takes." }),
  })
  .openapi("CreatedInvitation");

export const invitationIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

export type InvitationBody = z.infer<typeof invitationSchema>;

type InvitationRow = Pick<Invitation, "id" | "email" | "role" | "invitedBy" | "createdAt" | "expiresAt"> &
  Partial<Pick<Invitation, "acceptedAt" | "revokedAt">>;

export function invitationBody(row: InvitationRow, now = Date.now()): InvitationBody {
  const acceptedAt = row.acceptedAt ?? null;
  const revokedAt = row.revokedAt ?? null;
  const expiresAt = isoTimestamp(row.expiresAt);
  const status = acceptedAt ? "accepted" : revokedAt ? "revoked" : Date.parse(expiresAt) <= now ? "expired" : "pending";
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status,
    invited_by: row.invitedBy,
    created_at: isoTimestamp(row.createdAt),
    expires_at: expiresAt,
    accepted_at: isoTimestamp(acceptedAt),
    revoked_at: isoTimestamp(revokedAt),
  };
}
