import { beforeAll, describe, expect, it } from "vitest";
import { createApiKeyVia, createOperatorKey, createTenant, signedIn } from "../factories";
import { call, databaseRoundTrips, newRequestId, problemOf, sendAs, sqlAs } from "../harness";

type Operator = Awaited<ReturnType<typeof createOperatorKey>>;
interface Evaluated {
  value: unknown;
  reason: string;
  description: string;
}

const flagKey = () => `flag_${crypto.randomUUID().slice(0, 8)}`;

async function featuresOf(member: { headers: Record<string, string> }): Promise<Record<string, Evaluated>> {
  const response = await call("/v1/features", { headers: member.headers });
  expect(response.status).toBe(200);
  return ((await response.json()) as { flags: Record<string, Evaluated> }).flags;
}

async function bucketOf(key: string, tenantId: string): Promise<number> {
  const [row] = await sqlAs("owner").query("SELECT app.flag_bucket($1, $2::uuid) AS b", [key, tenantId]);
  return row?.b as number;
}

async function auditOf(operatorId: string) {
  return (await sqlAs("owner").query(
    "SELECT action, tenant_id, metadata FROM platform_audit_log WHERE operator_id = $1 ORDER BY created_at, id",
    [operatorId],
  )) as { action: string; tenant_id: string | null; metadata: Record<string, unknown> }[];
}

describe("the rollout hash (app.flag_bucket)", () => {
  // 10,000 distinct, reproducible tenant ids, all evaluated in one query.
  const TENANTS = "SELECT md5('rollout-tenant-' || i)::uuid AS id FROM generate_series(1, 10000) i";

  it("puts close to the percentage of 10,000 tenants in a rollout, and a tenant in at 25 % stays in at 50 %", async () => {
    const [row] = await sqlAs("owner").query(
      `SELECT count(*) FILTER (WHERE app.flag_bucket('new_list', id) < 2500)::int AS at25,
              count(*) FILTER (WHERE app.flag_bucket('new_list', id) < 5000)::int AS at50,
              count(*) FILTER (WHERE app.flag_bucket('new_list', id) < 1000)::int AS at10,
              count(*) FILTER (WHERE app.flag_bucket('new_list', id) < 2500 AND app.flag_bucket('new_list', id) >= 5000)::int AS left_at50,
              count(*) FILTER (WHERE app.flag_bucket('new_list', id) <> app.flag_bucket('new_list', id))::int AS unstable,
              count(*) FILTER (WHERE (app.flag_bucket('new_list', id) < 2500) <> (app.flag_bucket('other_flag', id) < 2500))::int AS differ,
              min(app.flag_bucket('new_list', id)) AS lo, max(app.flag_bucket('new_list', id)) AS hi
         FROM (${TENANTS}) t`,
    );
    // Binomial sd at 25 % of 10,000 is ~43: 150 is three and a half of them.
    expect(Math.abs((row?.at25 as number) - 2500)).toBeLessThan(150);
    expect(Math.abs((row?.at50 as number) - 5000)).toBeLessThan(175);
    expect(Math.abs((row?.at10 as number) - 1000)).toBeLessThan(100);
    expect(row?.left_at50).toBe(0);
    expect(row?.unstable).toBe(0);
    // Another flag's 25 % is another set of tenants (the key is part of the hash).
    expect(row?.differ as number).toBeGreaterThan(2500);
    expect(row?.lo).toBeGreaterThanOrEqual(0);
    expect(row?.hi).toBeLessThan(10000);
  });
});

describe("feature flags", () => {
  let operator: Operator;
  beforeAll(async () => {
    operator = await createOperatorKey();
  });

  const create = (body: Record<string, unknown>) => sendAs(operator, "POST", "/internal/flags", body);

  it("evaluates a rollout stably: the same answer on every request, as the hash says", async () => {
    const key = flagKey();
    expect((await create({ key, description: "Half the tenants", rollout_percentage: 50 })).status).toBe(201);
    const members = await Promise.all(Array.from({ length: 12 }, () => signedIn("viewer")));
    for (const member of members) {
      const inRollout = (await bucketOf(key, member.tenant.id)) < 5000;
      const first = (await featuresOf(member))[key];
      expect(first).toEqual({
        value: inRollout,
        reason: inRollout ? "rollout" : "default",
        description: "Half the tenants",
      });
      expect((await featuresOf(member))[key]).toEqual(first);
    }
  });

  it("targets by plan and by sector; an override wins, and removing it falls back", async () => {
    const key = flagKey();
    const created = await create({
      key,
      value: "v2",
      default_value: "v1",
      rollout_percentage: 100,
      target_plans: ["pro"],
      target_attributes: { sector: ["it_services"] },
    });
    expect(created.status).toBe(201);
    const proIt = await signedIn("admin", await createTenant({ plan: "pro" }));
    const proOther = await signedIn("admin", await createTenant({ plan: "pro" }));
    const freeIt = await signedIn("admin", await createTenant({ plan: "free" }));
    for (const [member, sector] of [
      [proIt, "it_services"],
      [proOther, "retail"],
      [freeIt, "it_services"],
    ] as const) {
      const patched = await sendAs(member, "PATCH", "/v1/tenant", { sector });
      expect(patched.status).toBe(200);
      expect(((await patched.json()) as { sector: string }).sector).toBe(sector);
    }
    expect((await featuresOf(proIt))[key]).toMatchObject({ value: "v2", reason: "targeting" });
    expect((await featuresOf(proOther))[key]).toMatchObject({ value: "v1", reason: "default" });
    expect((await featuresOf(freeIt))[key]).toMatchObject({ value: "v1", reason: "default" });

    // An operator's override wins over targeting, at once; removing it restores the targeting.
    const set = await sendAs(operator, "PUT", `/internal/flags/${key}/tenants/${proIt.tenant.id}`, {
      value: "v1",
      reason: "customer asked to wait",
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ key, value: "v1", reason: "override" });
    expect((await featuresOf(proIt))[key]).toMatchObject({ value: "v1", reason: "override" });
    const forFree = await sendAs(operator, "PUT", `/internal/flags/${key}/tenants/${freeIt.tenant.id}`, {
      value: "v2",
      reason: "beta",
    });
    expect(forFree.status).toBe(200);
    expect((await featuresOf(freeIt))[key]).toMatchObject({ value: "v2", reason: "override" });
    const removed = await sendAs(operator, "DELETE", `/internal/flags/${key}/tenants/${proIt.tenant.id}`);
    expect(removed.status).toBe(200);
    expect((await featuresOf(proIt))[key]).toMatchObject({ value: "v2", reason: "targeting" });
    expect((await sendAs(operator, "DELETE", `/internal/flags/${key}/tenants/${proIt.tenant.id}`)).status).toBe(404);

    // Clearing the sector takes the tenant out of the sector targeting.
    expect((await sendAs(proIt, "PATCH", "/v1/tenant", { sector: null })).status).toBe(200);
    expect((await featuresOf(proIt))[key]).toMatchObject({ value: "v1", reason: "default" });
  });

  it("evaluates flags in the request's one round trip", async () => {
    const member = await signedIn("viewer");
    const requestId = newRequestId();
    const response = await call("/v1/features", { headers: { ...member.headers, "X-Request-Id": requestId } });
    expect(response.status).toBe(200);
    expect(await databaseRoundTrips(requestId)).toBe(1);
  });

  it("lists, reads, changes and deletes flags, every change in the platform audit log", async () => {
    const own = await createOperatorKey();
    const key = flagKey();
    const tenant = await createTenant();
    expect((await sendAs(own, "POST", "/internal/flags", { key, rollout_percentage: 10 })).status).toBe(201);
    const listed = (await (await call("/internal/flags", { headers: own.headers })).json()) as {
      items: { key: string }[];
    };
    expect(listed.items.map((f) => f.key)).toContain(key);
    const patched = await sendAs(own, "PATCH", `/internal/flags/${key}`, {
      rollout_percentage: 30,
      description: "More",
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ key, rollout_percentage: 30, description: "More", overrides: [] });
    expect(
      (await sendAs(own, "PUT", `/internal/flags/${key}/tenants/${tenant.id}`, { value: true, reason: "pilot" }))
        .status,
    ).toBe(200);
    const read = (await (await call(`/internal/flags/${key}`, { headers: own.headers })).json()) as {
      overrides: { tenant_id: string; value: unknown; reason: string }[];
    };
    expect(read.overrides).toMatchObject([{ tenant_id: tenant.id, value: true, reason: "pilot" }]);
    expect((await sendAs(own, "DELETE", `/internal/flags/${key}/tenants/${tenant.id}`)).status).toBe(200);
    expect((await sendAs(own, "DELETE", `/internal/flags/${key}`)).status).toBe(204);
    expect((await call(`/internal/flags/${key}`, { headers: own.headers })).status).toBe(404);
    expect((await sendAs(own, "DELETE", `/internal/flags/${key}`)).status).toBe(404);

    const audit = await auditOf(own.id);
    expect(audit.map((a) => a.action)).toEqual([
      "flag.created",
      "flag.updated",
      "flag.override_set",
      "flag.override_removed",
      "flag.deleted",
    ]);
    expect(audit[1]?.metadata).toMatchObject({
      flag: key,
      before: { rollout_percentage: 10 },
      after: { rollout_percentage: 30, description: "More" },
    });
    expect(audit[2]).toMatchObject({ tenant_id: tenant.id, metadata: { flag: key, value: true, reason: "pilot" } });
  });

  it("refuses bad input with a clear 4xx and writes nothing", async () => {
    const own = await createOperatorKey();
    const key = flagKey();
    expect((await sendAs(own, "POST", "/internal/flags", { key, target_plans: ["platinum"] })).status).toBe(422);
    expect((await sendAs(own, "POST", "/internal/flags", { key, rollout_percentage: 101 })).status).toBe(400);
    expect((await sendAs(own, "POST", "/internal/flags", { key, target_attributes: { colour: ["red"] } })).status).toBe(
      400,
    );
    expect((await sendAs(own, "POST", "/internal/flags", { key: "Not A Key" })).status).toBe(400);
    expect((await call(`/internal/flags/${key}`, { headers: own.headers })).status).toBe(404);
    expect((await sendAs(own, "POST", "/internal/flags", { key })).status).toBe(201);
    const again = await sendAs(own, "POST", "/internal/flags", { key });
    expect(again.status).toBe(409);
    expect((await problemOf(again)).detail).toContain(key);
    const missing = await sendAs(own, "PUT", `/internal/flags/${key}/tenants/${crypto.randomUUID()}`, {
      value: true,
      reason: "x",
    });
    expect(missing.status).toBe(404);
    expect((await auditOf(own.id)).map((a) => a.action)).toEqual(["flag.created"]);
  });

  it("refuses non-operators: members, API keys and anonymous callers", async () => {
    const owner = await signedIn("owner");
    const key = await createApiKeyVia(owner, { role: "admin", scopes: ["*"] });
    for (const headers of [owner.headers, { Authorization: `Bearer ${key.key}` }, {}]) {
      expect((await call("/internal/flags", { headers })).status).toBe(401);
      const created = await call("/internal/flags", {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ key: flagKey() }),
      });
      expect(created.status).toBe(401);
    }
  });
});

describe("modules of a tenant", () => {
  it("lists the plan's modules with operators' overrides in GET /v1/tenant, audited, at once", async () => {
    const operator = await createOperatorKey();
    const tenant = await createTenant({ modules: "plan" });
    const viewer = await signedIn("viewer", tenant);
    const modulesOf = async () =>
      ((await (await call("/v1/tenant", { headers: viewer.headers })).json()) as { modules: string[] }).modules;
    expect(await modulesOf()).toEqual(["companies_house", "register"]);
    const path = (module: string) => `/internal/tenants/${tenant.id}/modules/${module}`;
    const on = await sendAs(operator, "PUT", path("web_scrape"), { enabled: true, reason: "trial" });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({
      tenant_id: tenant.id,
      plan: "free",
      modules: ["companies_house", "register", "web_scrape"],
      overrides: [{ module: "web_scrape", enabled: true, reason: "trial" }],
    });
    expect((await sendAs(operator, "PUT", path("register"), { enabled: false, reason: "abuse" })).status).toBe(200);
    expect(await modulesOf()).toEqual(["companies_house", "web_scrape"]);
    expect((await sendAs(operator, "DELETE", path("register"))).status).toBe(200);
    expect((await sendAs(operator, "DELETE", path("register"))).status).toBe(404);
    expect(await modulesOf()).toEqual(["companies_house", "register", "web_scrape"]);
    // Upgrading the plan brings its modules.
    await sqlAs("owner").query("UPDATE tenants SET plan = 'pro' WHERE id = $1", [tenant.id]);
    expect(await modulesOf()).toEqual([
      "companies_house",
      "register",
      "web_scrape",
      "technographics",
      "exports",
      "webhooks",
    ]);

    expect((await sendAs(operator, "PUT", path("teleportation"), { enabled: true, reason: "x" })).status).toBe(400);
    expect(
      (
        await sendAs(operator, "PUT", `/internal/tenants/${crypto.randomUUID()}/modules/web_scrape`, {
          enabled: true,
          reason: "x",
        })
      ).status,
    ).toBe(404);
    expect((await auditOf(operator.id)).map((a) => [a.action, a.tenant_id, a.metadata])).toEqual([
      [
        "tenant.module_override_set",
        tenant.id,
        { module: "web_scrape", enabled: true, previous: null, reason: "trial" },
      ],
      [
        "tenant.module_override_set",
        tenant.id,
        { module: "register", enabled: false, previous: null, reason: "abuse" },
      ],
      ["tenant.module_override_removed", tenant.id, { module: "register", previous: false }],
    ]);
    const member = await signedIn("viewer");
    expect((await sendAs(member, "PUT", path("web_scrape"), { enabled: true, reason: "self-service" })).status).toBe(
      401,
    );
  });
});
