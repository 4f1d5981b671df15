import { call, sqlAs } from "./harness";
import { bearer, hsToken } from "./tokens";

export type Role = "owner" | "admin" | "editor" | "viewer";

const unique = () => crypto.randomUUID().slice(0, 8);

/**
 * Fixtures are written as the owner role (which bypasses RLS), as an operator would seed. Tenants
 * are on `free` and, unless `modules: "plan"`, have every module (as by an operator's overrides),
 * so a test of a module's routes need not care about plans; module tests ask for the plan's.
 */
export async function createTenant(overrides: { name?: string; plan?: string; modules?: "all" | "plan" } = {}) {
  const sql = sqlAs("owner");
  const slug = `tenant-${unique()}`;
  const [row] = await sql.query(
    `WITH tenant AS (INSERT INTO tenants (slug, name, plan) VALUES ($1, $2, $3) RETURNING id, slug),
          granted AS (INSERT INTO tenant_modules (tenant_id, module, enabled, reason)
                      SELECT tenant.id, m.id, true, 'test fixture: every module' FROM tenant, modules m WHERE $4)
     SELECT id, slug FROM tenant`,
    [slug, overrides.name ?? `Tenant ${slug}`, overrides.plan ?? "free", (overrides.modules ?? "all") === "all"],
  );
  return row as { id: string; slug: string };
}

export async function createUser() {
  const sql = sqlAs("owner");
  const subject = `user|${unique()}`;
  const [row] = await sql.query("INSERT INTO users (subject, email, name) VALUES ($1, $2, $3) RETURNING id, subject", [
    subject,
    `${subject.replace("|", ".")}@example.test`,
    "Test User",
  ]);
  return row as { id: string; subject: string };
}

export async function addMember(tenantId: string, userId: string, role: Role) {
  await sqlAs("owner").query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)", [
    tenantId,
    userId,
    role,
  ]);
}

/** A tenant with one member of the given role. */
export async function createTenantWithMember(role: Role = "owner") {
  const tenant = await createTenant();
  const user = await createUser();
  await addMember(tenant.id, user.id, role);
  return { tenant, user };
}

/** A member with a ready-to-use HS256 token (no tenant claim: requests name it in X-Tenant-Id). */
export async function signedIn(role: Role = "owner", tenant?: { id: string; slug: string }) {
  const t = tenant ?? (await createTenant());
  const user = await createUser();
  await addMember(t.id, user.id, role);
  const token = await hsToken(user.subject);
  return { tenant: t, user, token, headers: bearer(token, t.id) };
}

/** An API key for the tenant, created through the API by an admin. */
export async function createApiKeyVia(
  admin: { headers: Record<string, string> },
  body: { role: "admin" | "editor" | "viewer"; scopes: string[]; name?: string; expires_at?: string },
) {
  const response = await call("/v1/api-keys", {
    method: "POST",
    headers: { ...admin.headers, "content-type": "application/json" },
    body: JSON.stringify({ name: body.name ?? "test key", ...body }),
  });
  if (response.status !== 201) throw new Error(`creating an API key: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; key: string; prefix: string };
}

/** An operator key, stored as `npm run operator-key` stores it (its hash), and its headers. */
export async function createOperatorKey(name = `operator-${unique()}`) {
  const { generateOperatorKey, hashOperatorKey } = await import("../../src/auth/operator-keys");
  const { key, prefix } = generateOperatorKey();
  const [row] = await sqlAs("owner").query(
    "INSERT INTO operators (name, kind, key_hash, prefix) VALUES ($1, 'key', $2, $3) RETURNING id",
    [name, await hashOperatorKey(key), prefix],
  );
  return {
    id: row?.id as string,
    name,
    key,
    headers: { Authorization: `Bearer ${key}`, "content-type": "application/json" } as Record<string, string>,
  };
}
