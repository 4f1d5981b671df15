import { neon } from "@neondatabase/serverless";

export const DEMO_TENANT_ID = "00000000-0000-4000-8000-00000000d001";
export const DEMO_OWNER = {
  id: "00000000-0000-4000-8000-00000000a001",
  subject: "dev|demo-owner",
  email: "owner@demo.detecktiv.test",
  name: "Demo Owner",
};

/**
 * The demo tenant and its owner, for `npm run dev`. Idempotent: a second run changes nothing.
 * Written as the database owner (superuser locally), as an operator would seed.
 */
export async function seedDemo(ownerUrl: string): Promise<void> {
  const sql = neon(ownerUrl);
  await sql.transaction([
    sql.query(
      `INSERT INTO tenants (id, slug, name, plan) VALUES ($1, 'demo', 'Demo Sales Team', 'pro')
       ON CONFLICT (id) DO NOTHING`,
      [DEMO_TENANT_ID],
    ),
    sql.query(
      `INSERT INTO users (id, subject, email, name) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING`,
      [DEMO_OWNER.id, DEMO_OWNER.subject, DEMO_OWNER.email, DEMO_OWNER.name],
    ),
    sql.query(
      `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')
       ON CONFLICT (tenant_id, user_id) DO NOTHING`,
      [DEMO_TENANT_ID, DEMO_OWNER.id],
    ),
  ]);
}

/** Makes `subject` a member of `tenantId` with `role` (for `npm run token -- --role`). */
export async function ensureMembership(ownerUrl: string, tenantId: string, subject: string, role: string) {
  const sql = neon(ownerUrl);
  await sql.transaction([
    sql.query("INSERT INTO users (subject) VALUES ($1) ON CONFLICT (subject) DO NOTHING", [subject]),
    sql.query(
      `INSERT INTO memberships (tenant_id, user_id, role)
       SELECT $1, id, $3 FROM users WHERE subject = $2
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = excluded.role`,
      [tenantId, subject, role],
    ),
  ]);
}
