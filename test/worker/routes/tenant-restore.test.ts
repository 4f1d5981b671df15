import { describe, expect, it } from "vitest";
import { RETENTION_SETTINGS } from "../../../src/privacy/retention";
import { tenantSchema } from "../../../src/routes/tenants/schemas";
import { createApiKeyVia, signedIn } from "../factories";
import { call, problemOf, sendAs, sqlAs } from "../harness";
import { bearer } from "../tokens";

type Member = Awaited<ReturnType<typeof signedIn>>;

const WINDOW = RETENTION_SETTINGS.deleted_records_days.default;
const restore = (member: { headers: Record<string, string> }, tenantId: string) =>
  sendAs(member, "POST", `/v1/tenants/${tenantId}/restore`);

/** Deletes the tenant through the API, then moves the deletion `days` into the past. */
async function deletedDaysAgo(owner: Member, days: number) {
  expect((await sendAs(owner, "DELETE", "/v1/tenant")).status).toBe(204);
  await sqlAs("owner").query("UPDATE tenants SET deleted_at = now() - make_interval(days => $2) WHERE id = $1", [
    owner.tenant.id,
    days,
  ]);
}

async function isDeleted(tenantId: string) {
  const [row] = (await sqlAs("owner").query("SELECT deleted_at IS NOT NULL AS deleted FROM tenants WHERE id = $1", [
    tenantId,
  ])) as { deleted: boolean }[];
  return row?.deleted;
}

describe("POST /v1/tenants/{id}/restore", () => {
  it("brings a deleted tenant back for its owner within the window: members and keys work again, audited", async () => {
    const owner = await signedIn("owner");
    const viewer = await signedIn("viewer", owner.tenant);
    const key = await createApiKeyVia(owner, { role: "viewer", scopes: ["tenant:read"] });
    await deletedDaysAgo(owner, WINDOW - 1);
    expect((await call("/v1/tenant", { headers: viewer.headers })).status).toBe(404);
    expect((await call("/v1/tenant", { headers: bearer(key.key) })).status).toBe(401);

    // The owner names the tenant in the path only: a token without a tenant, no X-Tenant-Id.
    const response = await restore({ headers: bearer(owner.token) }, owner.tenant.id);
    expect(response.status).toBe(200);
    expect(tenantSchema.parse(await response.json())).toMatchObject({ id: owner.tenant.id, slug: owner.tenant.slug });

    expect((await call("/v1/tenant", { headers: owner.headers })).status).toBe(200);
    expect((await call("/v1/tenant", { headers: viewer.headers })).status).toBe(200);
    expect((await call("/v1/tenant", { headers: bearer(key.key) })).status).toBe(200);
    const audit = await sqlAs("owner").query(
      "SELECT actor_type, actor_id, target_id FROM audit_log WHERE tenant_id = $1 AND action = 'tenant.restored'",
      [owner.tenant.id],
    );
    expect(audit).toEqual([{ actor_type: "user", actor_id: owner.user.id, target_id: owner.tenant.id }]);
  });

  it("follows the tenant's own retention of deleted records", async () => {
    const owner = await signedIn("owner");
    const set = await sendAs(owner, "PUT", "/v1/privacy/retention", { deleted_records_days: WINDOW + 30 });
    expect(set.status).toBe(200);
    await deletedDaysAgo(owner, WINDOW + 15);
    expect((await restore(owner, owner.tenant.id)).status).toBe(200);

    const brief = await signedIn("owner");
    expect((await sendAs(brief, "PUT", "/v1/privacy/retention", { deleted_records_days: 2 })).status).toBe(200);
    await deletedDaysAgo(brief, 3);
    expect((await restore(brief, brief.tenant.id)).status).toBe(410);
  });

  it("refuses after the window with 410 gone, and the tenant stays deleted", async () => {
    const owner = await signedIn("owner");
    await deletedDaysAgo(owner, WINDOW + 1);
    const response = await restore(owner, owner.tenant.id);
    expect(response.status).toBe(410);
    const problem = await problemOf(response);
    expect(problem.type).toBe("https://detecktiv.co.uk/problems/gone");
    expect(problem.detail).toContain(`${WINDOW} days`);
    expect(await isDeleted(owner.tenant.id)).toBe(true);
    expect((await call("/v1/tenant", { headers: owner.headers })).status).toBe(404);
  });

  it("refuses a member who is not an owner (403) and changes nothing", async () => {
    const owner = await signedIn("owner");
    const admin = await signedIn("admin", owner.tenant);
    await deletedDaysAgo(owner, 1);
    const response = await restore(admin, owner.tenant.id);
    expect(response.status).toBe(403);
    expect((await problemOf(response)).detail).toContain("owner");
    expect(await isDeleted(owner.tenant.id)).toBe(true);
  });

  it("answers 404 to a stranger and for an unknown tenant, exactly as for any tenant one is not in", async () => {
    const owner = await signedIn("owner");
    const stranger = await signedIn("owner");
    await deletedDaysAgo(owner, 1);
    const theirs = await restore(stranger, owner.tenant.id);
    const unknown = await restore(stranger, crypto.randomUUID());
    expect(theirs.status).toBe(404);
    expect(unknown.status).toBe(404);
    const [a, b] = [await problemOf(theirs), await problemOf(unknown)];
    expect(a.detail).toBe(b.detail);
    expect(await isDeleted(owner.tenant.id)).toBe(true);
  });

  it("answers 409 for a tenant that is not deleted", async () => {
    const owner = await signedIn("owner");
    const response = await restore(owner, owner.tenant.id);
    expect(response.status).toBe(409);
    expect((await problemOf(response)).detail).toContain("not deleted");
    // A stranger learns nothing more about a live tenant than about a deleted one.
    expect((await restore(await signedIn("owner"), owner.tenant.id)).status).toBe(404);
  });

  it("needs a signed-in person: an API key is refused", async () => {
    const owner = await signedIn("owner");
    const key = await createApiKeyVia(owner, { role: "admin", scopes: ["*"] });
    const response = await restore({ headers: bearer(key.key) }, owner.tenant.id);
    expect(response.status).toBe(403);
  });

  it("validates the tenant id", async () => {
    const owner = await signedIn("owner");
    const response = await restore(owner, "not-a-uuid");
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toEqual(["path.id"]);
  });

  it("is described in the OpenAPI document", async () => {
    const spec = (await (await call("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
    };
    const operation = spec.paths["/v1/tenants/{id}/restore"]?.post;
    expect(operation?.operationId).toBe("restoreTenant");
    expect(Object.keys(operation?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "403", "404", "409", "410"]),
    );
  });
});
