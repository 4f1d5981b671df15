import { describe, expect, it } from "vitest";
import { tenantSchema } from "../../../src/routes/tenants/schemas";
import { createUser, signedIn } from "../factories";
import { call, problemOf, sqlAs } from "../harness";
import { bearer, hsToken } from "../tokens";

const json = (headers: Record<string, string>, body: unknown, method = "POST") => ({
  method,
  headers: { ...headers, "content-type": "application/json" },
  body: JSON.stringify(body),
});
const slug = () => `t-${crypto.randomUUID().slice(0, 8)}`;

describe("POST /v1/tenants", () => {
  it("creates a tenant, makes the caller its owner, and audits it", async () => {
    const user = await createUser();
    const token = await hsToken(user.subject);
    const response = await call("/v1/tenants", json(bearer(token), { slug: slug(), name: "Acme Sales" }));
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe("/v1/tenant");
    const tenant = tenantSchema.parse(await response.json());
    expect(tenant).toMatchObject({ name: "Acme Sales", plan: "free" });

    const me = await call("/v1/me", { headers: bearer(token) });
    const body = (await me.json()) as { memberships: { tenant: { id: string }; role: string }[] };
    expect(body.memberships).toContainEqual(
      expect.objectContaining({ role: "owner", tenant: expect.objectContaining({ id: tenant.id }) }),
    );
    const audit = await sqlAs("owner").query(
      "SELECT action, actor_id FROM audit_log WHERE tenant_id = $1 ORDER BY action DESC",
      [tenant.id],
    );
    expect(audit).toEqual([
      { action: "tenant.created", actor_id: user.id },
      { action: "membership.created", actor_id: user.id },
    ]);
  });

  it("creates the user on first sight from the token's claims", async () => {
    const subject = `auth0|${crypto.randomUUID()}`;
    const token = await hsToken(subject, { email: "new.person@example.test", name: "New Person" });
    const response = await call("/v1/tenants", json(bearer(token), { slug: slug(), name: "First" }));
    expect(response.status).toBe(201);
    const [row] = await sqlAs("owner").query("SELECT email, name FROM users WHERE subject = $1", [subject]);
    expect(row).toEqual({ email: "new.person@example.test", name: "New Person" });
  });

  it("answers 409 naming the constraint when the slug is taken, and writes nothing", async () => {
    const owner = await signedIn("owner");
    const response = await call("/v1/tenants", json(bearer(owner.token), { slug: owner.tenant.slug, name: "Dup" }));
    expect(response.status).toBe(409);
    const problem = await problemOf(response);
    expect(problem.constraint).toBe("tenants_slug_key");
    const [count] = await sqlAs("owner").query("SELECT count(*)::int AS n FROM tenants WHERE slug = $1", [
      owner.tenant.slug,
    ]);
    expect(count).toEqual({ n: 1 });
  });

  it.each([
    [{ slug: "Bad Slug", name: "x" }, "body.slug"],
    [{ slug: "ok-slug" }, "body.name"],
    [{ slug: "-leading", name: "x" }, "body.slug"],
  ])("rejects invalid input %j with a 400 naming the field", async (body, field) => {
    const user = await createUser();
    const response = await call("/v1/tenants", json(bearer(await hsToken(user.subject)), body));
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });

  it("rejects malformed JSON with a 400 problem", async () => {
    const user = await createUser();
    const response = await call("/v1/tenants", {
      method: "POST",
      headers: { ...bearer(await hsToken(user.subject)), "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    await problemOf(response);
  });
});

describe("GET/PATCH/DELETE /v1/tenant", () => {
  it("shows the tenant to any member", async () => {
    const viewer = await signedIn("viewer");
    const response = await call("/v1/tenant", { headers: viewer.headers });
    expect(response.status).toBe(200);
    expect(tenantSchema.parse(await response.json()).id).toBe(viewer.tenant.id);
  });

  it("lets an admin rename the tenant, audited with old and new values", async () => {
    const admin = await signedIn("admin");
    const response = await call("/v1/tenant", json(admin.headers, { name: "Renamed" }, "PATCH"));
    expect(response.status).toBe(200);
    expect(tenantSchema.parse(await response.json()).name).toBe("Renamed");
    const [entry] = await sqlAs("owner").query(
      "SELECT metadata FROM audit_log WHERE tenant_id = $1 AND action = 'tenant.updated'",
      [admin.tenant.id],
    );
    expect(entry?.metadata).toMatchObject({ changed: ["name"], new: { name: "Renamed" } });
  });

  it("refuses an empty patch", async () => {
    const admin = await signedIn("admin");
    const response = await call("/v1/tenant", json(admin.headers, {}, "PATCH"));
    expect(response.status).toBe(400);
  });

  it("soft-deletes for the owner; the tenant is then 404 to everyone", async () => {
    const owner = await signedIn("owner");
    const viewer = await signedIn("viewer", owner.tenant);
    const response = await call("/v1/tenant", { method: "DELETE", headers: owner.headers });
    expect(response.status).toBe(204);
    expect((await call("/v1/tenant", { headers: owner.headers })).status).toBe(404);
    expect((await call("/v1/tenant", { headers: viewer.headers })).status).toBe(404);
    const [row] = await sqlAs("owner").query("SELECT deleted_at IS NOT NULL AS deleted FROM tenants WHERE id = $1", [
      owner.tenant.id,
    ]);
    expect(row).toEqual({ deleted: true });
  });
});

describe("POST /v1/tenant/transfer-ownership", () => {
  it("makes the member owner and the caller admin", async () => {
    const owner = await signedIn("owner");
    const member = await signedIn("editor", owner.tenant);
    const response = await call("/v1/tenant/transfer-ownership", json(owner.headers, { user_id: member.user.id }));
    expect(response.status).toBe(204);
    const roles = await sqlAs("owner").query(
      "SELECT user_id, role FROM memberships WHERE tenant_id = $1 ORDER BY role",
      [owner.tenant.id],
    );
    expect(roles).toEqual([
      { user_id: owner.user.id, role: "admin" },
      { user_id: member.user.id, role: "owner" },
    ]);
  });

  it("refuses a user who is not a member, changing nothing", async () => {
    const owner = await signedIn("owner");
    const stranger = await signedIn("owner");
    const response = await call("/v1/tenant/transfer-ownership", json(owner.headers, { user_id: stranger.user.id }));
    expect(response.status).toBe(422);
    const [row] = await sqlAs("owner").query("SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2", [
      owner.tenant.id,
      owner.user.id,
    ]);
    expect(row).toEqual({ role: "owner" });
  });
});
