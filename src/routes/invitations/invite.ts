import { sql } from "drizzle-orm";
import type { Config } from "../../config/config";
import { type InvitationRole, invitations } from "../../db/schema/invitations";
import { tenants } from "../../db/schema/tenants";
import type { ScopedDatabase } from "../../db/scoped-database";
import type { RowOf } from "../../db/selection";
import { sendInvitationEmail } from "../../invitations/email";
import { acceptUrl, generateInvitationToken, hashInvitationToken } from "../../invitations/token";
import type { Logger } from "../../observability/logger";
import { invitationBody } from "./schemas";

/** What app.create_invitation returns (its RETURNS TABLE): these columns of the row it wrote. */
const createdColumns = {
  id: invitations.id,
  email: invitations.email,
  role: invitations.role,
  invitedBy: invitations.invitedBy,
  createdAt: invitations.createdAt,
  expiresAt: invitations.expiresAt,
};
type CreatedRow = RowOf<typeof createdColumns>;

/**
 * Invites an address, in one round trip, then delivers the link: by email when a provider is
 * configured, else (or when sending fails) back to the admin, once. Nothing in the answer
 * depends on whether the address belongs to anyone outside this tenant: the database never
 * looks (app.create_invitation).
 */
export async function invite(
  services: { scoped: ScopedDatabase; config: Config; logger: Logger },
  body: { email: string; role: InvitationRole },
) {
  const { scoped, config, logger } = services;
  const token = generateInvitationToken();
  const tokenHash = await hashInvitationToken(token);
  const expiresAt = new Date(Date.now() + config.INVITATION_TTL_DAYS * 86_400_000).toISOString();
  const {
    results: [created, tenant],
  } = await scoped.batch((db) => [
    db.execute<CreatedRow>(
      sql`select * from app.create_invitation(${body.email}, ${body.role}, ${tokenHash}, ${expiresAt}::timestamptz)`,
    ),
    db.select({ name: tenants.name }).from(tenants).where(sql`${tenants.id} = app.tenant_id()`),
  ]);
  const row = created.rows[0];
  if (!row) throw new Error("app.create_invitation returned no row");
  const invitation = invitationBody({
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  });
  const link = acceptUrl(config.INVITATION_ACCEPT_URL, token);
  const sent = await sendInvitationEmail(
    config,
    {
      to: row.email,
      tenantName: tenant[0]?.name ?? "a Detecktiv tenant",
      role: row.role,
      link,
      expiresAt: invitation.expires_at,
    },
    logger,
  );
  return sent
    ? { ...invitation, delivery: "email" as const, accept_url: null, token: null }
    : { ...invitation, delivery: "link" as const, accept_url: link, token };
}
