import { describe, expect, it } from "vitest";
import { apiKeySchema } from "../../../src/routes/api-keys/schemas";
import { createApiKeyVia, signedIn } from "../factories";
import { call, problemOf, sqlAs } from "../harness";

const withKey = (key: string, tenantId?: string) => ({
  Authorization: `Bearer ${key}`,
  ...(tenantId ? { "X-Tenant-Id": tenantId } : {}),
});

describe("API keys", () => {
  it("shows the secret once, stores only its hash, and lists the key without it", async () => {
    const admin = await signedIn("admin");
    const created = await createApiKeyVia(admin, { role: "viewer", scopes: ["members:read"] });
    expect(created.key).toMatch(/^dtk_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const [stored] = await sqlAs("owner").query("SELECT key_hash, prefix FROM api_keys WHERE id = $1", [created.id]);
    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.key);
    const list = (await (await call("/v1/api-keys", { headers: admin.headers })).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(1);
    const listed = apiKeySchema.parse(list.items[0]);
    expect(listed).toMatchObject({ id: created.id, prefix: created.prefix, role: "viewer", scopes: ["members:read"] });
    expect(JSON.stringify(list)).not.toContain(created.key);
  });

  it("authenticates with Authorization: Bearer or X-API-Key, for its own tenant, and stamps last use", async () => {
    const admin = await signedIn("admin");
    const { id, key } = await createApiKeyVia(admin, { role: "viewer", scopes: ["members:*"] });
    expect((await call("/v1/members", { headers: withKey(key) })).status).toBe(200);
    expect((await call("/v1/members", { headers: { "X-API-Key": key } })).status).toBe(200);
    expect((await call("/v1/members", { headers: withKey(key, admin.tenant.id) })).status).toBe(200);
    const [row] = await sqlAs("owner").query("SELECT last_used_at IS NOT NULL AS used FROM api_keys WHERE id = $1", [
      id,
    ]);
    expect(row).toEqual({ used: true });
  });

  it("acts for its own tenant only", async () => {
    const admin = await signedIn("admin");
    const other = await signedIn("owner");
    const { key } = await createApiKeyVia(admin, { role: "admin", scopes: ["*"] });
    expect((await call("/v1/tenant", { headers: withKey(key, other.tenant.id) })).status).toBe(404);
  });

  it("is limited by its role and its scopes", async () => {
    const admin = await signedIn("admin");
    const viewerKey = await createApiKeyVia(admin, { role: "viewer", scopes: ["*"] });
    expect((await call("/v1/api-keys", { headers: withKey(viewerKey.key) })).status).toBe(403);
    const narrowKey = await createApiKeyVia(admin, { role: "admin", scopes: ["members:read"] });
    expect((await call("/v1/members", { headers: withKey(narrowKey.key) })).status).toBe(200);
    const refused = await call("/v1/api-keys", { headers: withKey(narrowKey.key) });
    expect(refused.status).toBe(403);
    expect((await problemOf(refused)).detail).toContain("api_keys:read");
  });

  it("cannot mint keys (it could widen its own scopes)", async () => {
    const admin = await signedIn("admin");
    const { key } = await createApiKeyVia(admin, { role: "admin", scopes: ["api_keys:write"] });
    const response = await call("/v1/api-keys", {
      method: "POST",
      headers: { ...withKey(key), "content-type": "application/json" },
      body: JSON.stringify({ name: "wider", role: "admin", scopes: ["*"] }),
    });
    expect(response.status).toBe(403);
  });

  it("cannot act as a person: no tenant creation, no /v1/me", async () => {
    const admin = await signedIn("admin");
    const { key } = await createApiKeyVia(admin, { role: "admin", scopes: ["*"] });
    const create = await call("/v1/tenants", {
      method: "POST",
      headers: { ...withKey(key), "content-type": "application/json" },
      body: JSON.stringify({ slug: `k-${crypto.randomUUID().slice(0, 8)}`, name: "By key" }),
    });
    expect(create.status).toBe(403);
    expect((await call("/v1/me", { headers: withKey(key) })).status).toBe(403);
  });

  it("is refused once revoked (on its very next request) and once expired", async () => {
    const admin = await signedIn("admin");
    const { id, key } = await createApiKeyVia(admin, { role: "viewer", scopes: ["*"] });
    expect((await call("/v1/tenant", { headers: withKey(key) })).status).toBe(200);
    expect((await call(`/v1/api-keys/${id}`, { method: "DELETE", headers: admin.headers })).status).toBe(204);
    const revoked = await call("/v1/tenant", { headers: withKey(key) });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await call(`/v1/api-keys/${id}`, { method: "DELETE", headers: admin.headers })).status).toBe(204);

    const expiring = await createApiKeyVia(admin, {
      role: "viewer",
      scopes: ["*"],
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    await sqlAs("owner").query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [
      expiring.id,
    ]);
    expect((await call("/v1/tenant", { headers: withKey(expiring.key) })).status).toBe(401);
  });

  it("refuses unknown and malformed keys alike", async () => {
    const admin = await signedIn("admin");
    const { key } = await createApiKeyVia(admin, { role: "viewer", scopes: ["*"] });
    const wrongSecret = `${key.slice(0, -43)}${"A".repeat(43)}`;
    expect((await call("/v1/tenant", { headers: withKey(wrongSecret) })).status).toBe(401);
    // A real secret under another tenant's name is refused: the hash covers the whole key.
    const other = await signedIn("owner");
    const otherPart = (await createApiKeyVia(other, { role: "viewer", scopes: ["*"] })).key.slice(4, 26);
    const forged = `dtk_${otherPart}${key.slice(26)}`;
    expect((await call("/v1/tenant", { headers: withKey(forged) })).status).toBe(401);
    expect((await call("/v1/tenant", { headers: withKey("dtk_short") })).status).toBe(401);
  });

  it.each([
    [{ role: "owner", scopes: ["*"] }, "body.role"],
    [{ role: "viewer", scopes: ["companies:delete-everything"] }, "body.scopes.0"],
    [{ role: "viewer", scopes: [] }, "body.scopes"],
    [{ role: "viewer", scopes: ["*"], expires_at: "2020-01-01T00:00:00Z" }, "body.expires_at"],
  ])("validates the request %j", async (body, field) => {
    const admin = await signedIn("admin");
    const response = await call("/v1/api-keys", {
      method: "POST",
      headers: { ...admin.headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "k", ...body }),
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
  });

  it("answers 404 when revoking another tenant's key", async () => {
    const a = await signedIn("admin");
    const b = await signedIn("admin");
    const { id, key } = await createApiKeyVia(a, { role: "viewer", scopes: ["*"] });
    expect((await call(`/v1/api-keys/${id}`, { method: "DELETE", headers: b.headers })).status).toBe(404);
    expect((await call("/v1/tenant", { headers: withKey(key) })).status).toBe(200);
  });
});
