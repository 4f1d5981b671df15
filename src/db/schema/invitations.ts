import { sql } from "drizzle-orm";
import { check, index, pgPolicy, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { appAuth } from "./roles";
import { apiTenantPolicy, purgePolicies, tenantId } from "./tenant-scoped";
import { users } from "./users";

/** Roles an invitation can carry: the owner role moves only by transfer of ownership. */
export const INVITATION_ROLES = ["admin", "editor", "viewer"] as const;
export type InvitationRole = (typeof INVITATION_ROLES)[number];

// Generic in the name so that RowOf sees each column's literal SQL name.

/**
 * An offer of membership to an email address. The token (256 random bits) is shown once, to the
 * admin or in the email; only its SHA-256 is stored. Accepting (app.accept_invitation) needs a
 * signed-in user whose verified email is the invited one; a token works once.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    tenantId: tenantId(),
    email: text("email").notNull(),
    role: text("role", { enum: INVITATION_ROLES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    acceptedAt: timestamptz("accepted_at"),
    acceptedBy: uuid("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    // One open invitation per address and tenant: inviting again replaces it (app.create_invitation).
    uniqueIndex("invitations_tenant_open_email_key")
      .on(t.tenantId, sql`lower(${t.email})`)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    index("invitations_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    check("invitations_role_check", sql`${t.role} in ('admin', 'editor', 'viewer')`),
    check("invitations_token_hash_format", sql`${t.tokenHash} ~ '^[0-9a-f]{64}$'`),
    check("invitations_email_length", sql`length(${t.email}) between 3 and 320`),
    apiTenantPolicy("invitations_api_all", t.tenantId),
    // app.accept_invitation finds an invitation by its token's hash, before the user is a member.
    pgPolicy("invitations_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("invitations_auth_update", { for: "update", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    ...purgePolicies("invitations", t.tenantId),
  ],
).enableRLS();

export type Invitation = typeof invitations.$inferSelect;
