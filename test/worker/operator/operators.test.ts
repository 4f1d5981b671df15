import { describe, expect, it } from "vitest";
import { TEST_OPERATOR_JWT_ISSUER } from "../constants";
import { createOperatorKey, signedIn } from "../factories";
import { call, databaseRoundTrips, newRequestId, problemOf, sqlAs } from "../harness";
import { hsToken } from "../tokens";

const json = (headers: Record<string, string>, body: unknown) => ({
  method: "POST",
  headers: { ...headers, "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function auditOf(operatorId: string) {
  return (await sqlAs("owner").query(
    "SELECT action, tenant_id, metadata FROM platform_audit_log WHERE operator_id = $1 ORDER BY created_at, id",
    [operatorId],
  )) as { action: string; tenant_id: string | null; metadata: Record<string, unknown> }[];
}

describe("operator authentication", () => {
  it("takes an operator key, refuses a missing, malformed, unknown or revoked one (401)", async () => {
    const operator = await createOperatorKey();
    expect((await call("/internal/stats", { headers: operator.headers })).status).toBe(200);
    expect((await call("/internal/stats")).status).toBe(401);
    expect((await call("/internal/stats", { headers: { Authorization: "Bearer dop_short" } })).status).toBe(401);
    const unknown = `dop_${"A".repeat(43)}`;
    expect((await call("/internal/stats", { headers: { Authorization: `Bearer ${unknown}` } })).status).toBe(401);
    await sqlAs("owner").query("UPDATE operators SET revoked_at = now() WHERE id = $1", [operator.id]);
    const revoked = await call("/internal/stats", { headers: operator.headers });
    expect(revoked.status).toBe(401);
    expect((await problemOf(revoked)).type).toMatch(/unauthorized/);
  });

  it("takes a JWT of the operator issuer only with the platform-role claim; a tenant user's token is refused", async () => {
    const subject = `ops|${crypto.randomUUID()}`;
    const good = await hsToken(subject, {
      issuer: TEST_OPERATOR_JWT_ISSUER,
      name: "Olive Operator",
      claims: { platform_role: "operator" },
    });
    const ok = await call("/internal/stats", { headers: { Authorization: `Bearer ${good}` } });
    expect(ok.status).toBe(200);
    const [row] = await sqlAs("owner").query("SELECT id, name, kind FROM operators WHERE subject = $1", [subject]);
    expect(row).toMatchObject({ name: "Olive Operator", kind: "jwt" });
    expect((await auditOf(row?.id as string)).map((entry) => entry.action)).toEqual(["stats.read"]);

    const noRole = await hsToken(subject, { issuer: TEST_OPERATOR_JWT_ISSUER });
    expect((await call("/internal/stats", { headers: { Authorization: `Bearer ${noRole}` } })).status).toBe(401);
    const member = await signedIn("owner");
    expect((await call("/internal/tenants", { headers: member.headers })).status).toBe(401);
    const tenantIssuer = await hsToken(subject, { claims: { platform_role: "operator" } });
    expect((await call("/internal/stats", { headers: { Authorization: `Bearer ${tenantIssuer}` } })).status).toBe(401);
  });

  it("an operator round trip is one request to Postgres, and an API role session cannot open one unsigned", async () => {
    const operator = await createOperatorKey();
    const requestId = newRequestId();
    const response = await call("/internal/tenants?limit=1", {
      headers: { ...operator.headers, "X-Request-Id": requestId },
    });
    expect(response.status).toBe(200);
    expect(await databaseRoundTrips(requestId)).toBe(1);
    const refused = await sqlAs("app_api")
      .query("SELECT app.operator_get_tenant(gen_random_uuid())")
      .then(
        () => "ok",
        (error: { code?: string }) => error.code,
      );
    expect(refused).toBe("DT403");
  });
});

describe("operator routes and the platform audit log", () => {
  it("searches tenants by name or slug, filters by plan and status, with member count and usage", async () => {
    const operator = await createOperatorKey();
    const member = await signedIn("owner");
    const name = `Searchable ${crypto.randomUUID().slice(0, 8)}`;
    await sqlAs("owner").query("UPDATE tenants SET name = $1, plan = 'pro' WHERE id = $2", [name, member.tenant.id]);
    await sqlAs("owner").query("INSERT INTO companies (tenant_id, name) VALUES ($1, 'Counted Ltd')", [
      member.tenant.id,
    ]);

    const found = await call(`/internal/tenants?q=${encodeURIComponent(name.toLowerCase())}`, {
      headers: operator.headers,
    });
    expect(found.status).toBe(200);
    const body = (await found.json()) as { items: Record<string, unknown>[] };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      id: member.tenant.id,
      plan: "pro",
      status: "active",
      member_count: 1,
      usage: { companies_created: 1 },
    });
    const bySlug = (await (
      await call(`/internal/tenants?q=${member.tenant.slug}&plan=pro&status=active`, { headers: operator.headers })
    ).json()) as { items: { id: string }[] };
    expect(bySlug.items.map((t) => t.id)).toEqual([member.tenant.id]);
    const wrongPlan = (await (
      await call(`/internal/tenants?q=${member.tenant.slug}&plan=free`, { headers: operator.headers })
    ).json()) as { items: unknown[] };
    expect(wrongPlan.items).toEqual([]);
    const bad = await call("/internal/tenants?status=sleeping", { headers: operator.headers });
    expect(bad.status).toBe(400);

    const one = await call(`/internal/tenants/${member.tenant.id}`, { headers: operator.headers });
    expect(one.status).toBe(200);
    expect((await call(`/internal/tenants/${crypto.randomUUID()}`, { headers: operator.headers })).status).toBe(404);

    const audit = await auditOf(operator.id);
    expect(audit.map((entry) => entry.action)).toEqual([
      "tenants.listed",
      "tenants.listed",
      "tenants.listed",
      "tenant.read",
    ]);
    expect(audit[3]?.tenant_id).toBe(member.tenant.id);
  });

  it("GET /internal/audit-log lists operator actions, newest first, by tenant", async () => {
    const operator = await createOperatorKey("Audit Reader");
    const member = await signedIn("owner");
    await call(`/internal/tenants/${member.tenant.id}`, { headers: operator.headers });
    const response = await call(`/internal/audit-log?tenant_id=${member.tenant.id}`, { headers: operator.headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: Record<string, unknown>[] };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      operator_id: operator.id,
      operator_name: "Audit Reader",
      action: "tenant.read",
      tenant_id: member.tenant.id,
    });
  });

  it("GET /internal/stats: tenants by plan and status, active users, per-day activity", async () => {
    const operator = await createOperatorKey();
    const response = await call("/internal/stats?days=7", { headers: operator.headers });
    expect(response.status).toBe(200);
    const stats = (await response.json()) as {
      tenants: { plan: string; status: string; count: number }[];
      active_users: { last_7_days: number; last_30_days: number };
      days: { date: string }[];
    };
    expect(stats.days).toHaveLength(7);
    expect(stats.days[0]?.date).toBe(new Date().toISOString().slice(0, 10));
    expect(stats.tenants.some((row) => row.plan === "free" && row.status === "active" && row.count > 0)).toBe(true);
    expect(stats.active_users.last_30_days).toBeGreaterThanOrEqual(stats.active_users.last_7_days);
  });

  it("changes a plan as the operator, recorded in both audit logs", async () => {
    const operator = await createOperatorKey();
    const member = await signedIn("owner");
    const response = await call(`/internal/tenants/${member.tenant.id}/plan`, {
      method: "PUT",
      headers: operator.headers,
      body: JSON.stringify({ plan: "enterprise" }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { plan: string }).plan).toBe("enterprise");
    expect((await auditOf(operator.id))[0]).toMatchObject({
      action: "tenant.plan_changed",
      metadata: { from: "free", to: "enterprise" },
    });
    const [tenantEntry] = await sqlAs("owner").query(
      "SELECT actor_type, actor_id FROM audit_log WHERE tenant_id = $1 AND action = 'tenant.updated'",
      [member.tenant.id],
    );
    expect(tenantEntry).toEqual({ actor_type: "operator", actor_id: operator.id });
  });

  it("refuses a plan that is not in the plans table (422) and changes nothing", async () => {
    const operator = await createOperatorKey();
    const member = await signedIn("owner");
    const response = await call(`/internal/tenants/${member.tenant.id}/plan`, {
      method: "PUT",
      headers: operator.headers,
      body: JSON.stringify({ plan: "no_such_plan" }),
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ status: 422, detail: `there is no plan "no_such_plan"` });
    const [row] = await sqlAs("owner").query("SELECT plan FROM tenants WHERE id = $1", [member.tenant.id]);
    expect(row).toEqual({ plan: "free" });
    expect(await auditOf(operator.id)).toEqual([]);
  });

  it("shows a tenant's metered usage this month, and the platform's per day, from the usage table", async () => {
    const operator = await createOperatorKey();
    const member = await signedIn("owner");
    const month = `${new Date().toISOString().slice(0, 8)}01`;
    const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    const perDay = async () => {
      const stats = (await (await call("/internal/stats?days=7", { headers: operator.headers })).json()) as {
        days: { date: string; requests: number; imports: number; scrapes: number }[];
      };
      return stats.days.find((d) => d.date === day);
    };
    const before = await perDay();
    await sqlAs("owner").query(
      `INSERT INTO usage (tenant_id, metric, period, starts_on, used) VALUES
         ($1, 'api_requests', 'month', $2, 42), ($1, 'companies_house_imports', 'month', $2, 3),
         ($1, 'api_requests', 'day', $3, 40), ($1, 'companies_house_imports', 'day', $3, 2),
         ($1, 'scrape_jobs', 'day', $3, 1)`,
      [member.tenant.id, month, day],
    );
    const tenant = await call(`/internal/tenants/${member.tenant.id}`, { headers: operator.headers });
    expect(((await tenant.json()) as { usage: unknown }).usage).toMatchObject({
      api_requests: 42,
      companies_house_imports: 3,
      scrape_jobs: 0,
      exported_rows: 0,
    });
    const after = await perDay();
    expect({
      requests: (after?.requests ?? 0) - (before?.requests ?? 0),
      imports: (after?.imports ?? 0) - (before?.imports ?? 0),
      scrapes: (after?.scrapes ?? 0) - (before?.scrapes ?? 0),
    }).toEqual({ requests: 40, imports: 2, scrapes: 1 });
  });
});

describe("suspension", () => {
  it("answers 403 tenant_suspended to members and API keys, decided in the request's one round trip", async () => {
    const operator = await createOperatorKey();
    const member = await signedIn("admin");
    const key = await call("/v1/api-keys", json(member.headers, { role: "viewer", scopes: ["*"], name: "k" }));
    const { key: apiKey } = (await key.json()) as { key: string };

    const suspend = await call(
      `/internal/tenants/${member.tenant.id}/suspend`,
      json(operator.headers, { reason: "Unpaid invoices" }),
    );
    expect(suspend.status).toBe(200);
    expect(await suspend.json()).toMatchObject({ status: "suspended", suspension_reason: "Unpaid invoices" });

    const requestId = newRequestId();
    const refused = await call("/v1/tenant", { headers: { ...member.headers, "X-Request-Id": requestId } });
    expect(refused.status).toBe(403);
    expect((await problemOf(refused)).type).toMatch(/tenant_suspended/);
    expect(await databaseRoundTrips(requestId)).toBe(1);
    const byKey = await call("/v1/companies", { headers: { Authorization: `Bearer ${apiKey}` } });
    expect(byKey.status).toBe(403);
    expect((await problemOf(byKey)).type).toMatch(/tenant_suspended/);
    // A write is refused as well, and changes nothing.
    const write = await call("/v1/companies", json(member.headers, { name: "Not Written Ltd" }));
    expect(write.status).toBe(403);
    const [{ n } = { n: -1 }] = await sqlAs("owner").query(
      "SELECT count(*)::int AS n FROM companies WHERE tenant_id = $1",
      [member.tenant.id],
    );
    expect(n).toBe(0);

    expect(
      (await call(`/internal/tenants/${member.tenant.id}/suspend`, json(operator.headers, { reason: "again" }))).status,
    ).toBe(409);
    const lift = await call(
      `/internal/tenants/${member.tenant.id}/unsuspend`,
      json(operator.headers, { reason: "Paid" }),
    );
    expect(lift.status).toBe(200);
    expect((await call("/v1/tenant", { headers: member.headers })).status).toBe(200);
    expect((await auditOf(operator.id)).map((entry) => [entry.action, entry.metadata.reason])).toEqual([
      ["tenant.suspended", "Unpaid invoices"],
      ["tenant.unsuspended", "Paid"],
    ]);
  });

  it("needs a reason; an unknown tenant is 404", async () => {
    const operator = await createOperatorKey();
    const member = await signedIn("owner");
    expect((await call(`/internal/tenants/${member.tenant.id}/suspend`, json(operator.headers, {}))).status).toBe(400);
    expect(
      (await call(`/internal/tenants/${crypto.randomUUID()}/suspend`, json(operator.headers, { reason: "x" }))).status,
    ).toBe(404);
  });
});
