import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { subscriptionSchema } from "../../../src/routes/billing/get-subscription";
import { usageSchema } from "../../../src/routes/billing/get-usage";
import { usageHistorySchema } from "../../../src/routes/billing/get-usage-history";
import { planSchema } from "../../../src/routes/plans/schemas";
import { addMember, createOperatorKey, createUser, signedIn } from "../factories";
import { call, databaseRoundTrips, newRequestId, problemOf, sendAs, signedBegin, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;
const owner = () => sqlAs("owner");
const number = () => String(10_000_000 + Math.floor(Math.random() * 89_999_999));
const importNumber = (member: Member, n: string) =>
  sendAs(member, "POST", "/v1/companies/import", { company_number: n });
const month = () => new Date().toISOString().slice(0, 8).concat("01");

/** Sets what the tenant has used of a metric this month, as if earlier requests had. */
async function used(tenantId: string, metric: string, n: number) {
  await owner().query(
    `INSERT INTO usage (tenant_id, metric, period, starts_on, used) VALUES ($1, $2, 'month', $3, $4)
     ON CONFLICT (tenant_id, metric, period, starts_on) DO UPDATE SET used = excluded.used`,
    [tenantId, metric, month(), n],
  );
}

/** The billing system's or an operator's plan change, with an operator key of its own. */
let operator: ReturnType<typeof createOperatorKey> | undefined;
async function setPlan(tenantId: string, plan: string) {
  operator ??= createOperatorKey();
  const { headers } = await operator;
  return call(`/internal/tenants/${tenantId}/plan`, { method: "PUT", headers, body: JSON.stringify({ plan }) });
}

describe("GET /v1/plans", () => {
  it("lists the seeded plans publicly, with limits, quotas, seats, modules and price display data", async () => {
    const response = await call("/v1/plans");
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: unknown[] };
    const plans = data.map((plan) => planSchema.parse(plan));
    expect(plans.slice(0, 3).map((plan) => plan.id)).toEqual(["free", "pro", "enterprise"]);
    expect(plans[0]).toMatchObject({
      rate_limit: { per_minute: 120, burst: 60 },
      seat_limit: 3,
      quotas: { companies_house_imports: 50, scrape_jobs: 20, exported_rows: 1000 },
      price: { amount: 0, currency: "gbp", interval: "month" },
    });
    expect(plans[2]).toMatchObject({ seat_limit: null, quotas: {}, price: null });
  });
});

describe("GET /v1/tenant/subscription", () => {
  it("a tenant that never subscribed is active on its plan, without a billing account", async () => {
    const viewer = await signedIn("viewer");
    const response = await sendAs(viewer, "GET", "/v1/tenant/subscription");
    expect(response.status).toBe(200);
    expect(subscriptionSchema.parse(await response.json())).toEqual({
      plan: "free",
      subscribed_plan: "free",
      status: "active",
      current_period_start: null,
      current_period_end: null,
      grace_ends_at: null,
      cancel_at_period_end: false,
      billing_account: false,
    });
  });

  it("past_due keeps the plan until the grace period ends, then the plan in force is free", async () => {
    const viewer = await signedIn("viewer");
    await owner().query("UPDATE tenants SET plan = 'pro' WHERE id = $1", [viewer.tenant.id]);
    await owner().query(
      "INSERT INTO subscriptions (tenant_id, status, grace_ends_at) VALUES ($1, 'past_due', now() + interval '1 day')",
      [viewer.tenant.id],
    );
    const during = subscriptionSchema.parse(await (await sendAs(viewer, "GET", "/v1/tenant/subscription")).json());
    expect(during).toMatchObject({ plan: "pro", subscribed_plan: "pro", status: "past_due" });
    await owner().query("UPDATE subscriptions SET grace_ends_at = now() - interval '1 second' WHERE tenant_id = $1", [
      viewer.tenant.id,
    ]);
    const after = subscriptionSchema.parse(await (await sendAs(viewer, "GET", "/v1/tenant/subscription")).json());
    expect(after).toMatchObject({ plan: "free", subscribed_plan: "pro", status: "past_due" });
  });

  it("canceled keeps the plan to the end of the paid period", async () => {
    const viewer = await signedIn("viewer");
    await owner().query("UPDATE tenants SET plan = 'pro' WHERE id = $1", [viewer.tenant.id]);
    await owner().query(
      "INSERT INTO subscriptions (tenant_id, status, current_period_end) VALUES ($1, 'canceled', now() + interval '3 days')",
      [viewer.tenant.id],
    );
    const body = subscriptionSchema.parse(await (await sendAs(viewer, "GET", "/v1/tenant/subscription")).json());
    expect(body).toMatchObject({ plan: "pro", status: "canceled" });
  });
});

describe("quotas", () => {
  it("N concurrent imports against R remaining admit exactly min(N, R); the rest are 402 and write nothing", async () => {
    const editor = await signedIn("editor");
    await used(editor.tenant.id, "companies_house_imports", 47); // free: 50 a month, so 3 remain
    const responses = await Promise.all(Array.from({ length: 8 }, () => importNumber(editor, number())));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 402, 402, 402, 402, 402]);
    const refused = responses.find((r) => r.status === 402);
    if (!refused) throw new Error("no refusal");
    const problem = await problemOf(refused);
    expect(problem).toMatchObject({
      status: 402,
      title: "Quota exceeded",
      metric: "companies_house_imports",
      quota: 50,
      used: 50,
    });
    const next = new Date();
    next.setUTCMonth(next.getUTCMonth() + 1, 1);
    expect(problem.resets_at).toBe(`${next.toISOString().slice(0, 10)}T00:00:00Z`);
    const [{ n }] = (await owner().query("SELECT count(*)::int AS n FROM companies WHERE tenant_id = $1", [
      editor.tenant.id,
    ])) as [{ n: number }];
    expect(n).toBe(3);
  });

  it("counts in the action's own round trip, and GET /v1/tenant/usage shows it against the quota", async () => {
    const editor = await signedIn("editor");
    const requestId = newRequestId();
    const response = await sendAs(
      editor,
      "POST",
      "/v1/companies/import",
      { company_number: number() },
      {
        "X-Request-Id": requestId,
      },
    );
    expect(response.status).toBe(201);
    expect(await databaseRoundTrips(requestId)).toBe(1);
    const usage = usageSchema.parse(await (await sendAs(editor, "GET", "/v1/tenant/usage")).json());
    expect(usage.plan).toBe("free");
    expect(usage.metrics.find((m) => m.metric === "companies_house_imports")).toMatchObject({
      used: 1,
      quota: 50,
      remaining: 49,
    });
    expect(usage.metrics.find((m) => m.metric === "api_requests")).toMatchObject({ quota: null, remaining: null });
    expect(usage.seats).toEqual({ used: 1, limit: 3 });
    expect(usage.period.start).toBe(`${month()}T00:00:00.000Z`);
  });

  it("a scrape job over the quota is 402 and none is created; a returned live job counts nothing", async () => {
    const editor = await signedIn("editor");
    const [company] = (await owner().query(
      "INSERT INTO companies (tenant_id, name, website) VALUES ($1, 'Quota Ltd', 'https://quota.example') RETURNING id",
      [editor.tenant.id],
    )) as [{ id: string }];
    await used(editor.tenant.id, "scrape_jobs", 20);
    const refused = await sendAs(editor, "POST", `/v1/companies/${company.id}/scrape`);
    expect(refused.status).toBe(402);
    expect((await problemOf(refused)).metric).toBe("scrape_jobs");
    const jobs = await owner().query("SELECT id FROM scrape_jobs WHERE tenant_id = $1", [editor.tenant.id]);
    expect(jobs).toEqual([]);
  });

  it("the history is a daily series with every metric", async () => {
    const editor = await signedIn("editor");
    expect((await importNumber(editor, number())).status).toBe(201);
    const today = new Date().toISOString().slice(0, 10);
    const response = await sendAs(editor, "GET", `/v1/tenant/usage/history?to=${today}`);
    expect(response.status).toBe(200);
    const history = usageHistorySchema.parse(await response.json());
    expect(history.days).toHaveLength(30);
    expect(history.days.at(-1)).toEqual({
      date: today,
      usage: { companies_house_imports: 1, scrape_jobs: 0, exported_rows: 0, api_requests: 0 },
    });
    expect(history.days[0]?.usage.companies_house_imports).toBe(0);
    expect((await sendAs(editor, "GET", `/v1/tenant/usage/history?from=${today}&to=2020-01-01`)).status).toBe(400);
    expect((await sendAs(editor, "GET", "/v1/tenant/usage/history?from=2020-01-01&to=2026-01-01")).status).toBe(400);
  });
});

describe("seats", () => {
  const invite = (admin: Member, email: string) => sendAs(admin, "POST", "/v1/invitations", { email, role: "viewer" });
  const openInvitations = async (tenantId: string) =>
    owner().query("SELECT email FROM invitations WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY email", [
      tenantId,
    ]);

  it("inviting beyond the plan's seat limit is a 402 and sends no invitation, by either route", async () => {
    const admin = await signedIn("admin");
    for (let i = 0; i < 2; i++) await addMember(admin.tenant.id, (await createUser()).id, "viewer");
    const email = `seat-${crypto.randomUUID()}@example.test`;
    for (const response of [
      await invite(admin, email),
      await sendAs(admin, "POST", "/v1/members", { email, role: "viewer" }),
    ]) {
      expect(response.status).toBe(402);
      expect(await problemOf(response)).toMatchObject({ metric: "seats", quota: 3, used: 3, resets_at: null });
    }
    expect(await openInvitations(admin.tenant.id)).toEqual([]);
    // On pro (20 seats) the same invitation goes out.
    expect((await setPlan(admin.tenant.id, "pro")).status).toBe(200);
    expect((await invite(admin, email)).status).toBe(201);
  });

  it("an open invitation holds its seat; inviting the same address again replaces it", async () => {
    const admin = await signedIn("admin");
    await addMember(admin.tenant.id, (await createUser()).id, "viewer");
    const first = `first-${crypto.randomUUID()}@example.test`;
    expect((await invite(admin, first)).status).toBe(201);
    const usage = (await (await sendAs(admin, "GET", "/v1/tenant/usage")).json()) as { seats: unknown };
    expect(usage.seats).toEqual({ used: 3, limit: 3 });
    const second = await invite(admin, `second-${crypto.randomUUID()}@example.test`);
    expect(second.status).toBe(402);
    expect((await invite(admin, first)).status).toBe(201);
    expect(await openInvitations(admin.tenant.id)).toEqual([{ email: first }]);
  });
});

describe("plans as data reach the rate limiter", () => {
  it("a plan added to the table applies its own limits from the tenant's next request", async () => {
    const viewer = await signedIn("viewer");
    const plan = `tiny_${crypto.randomUUID().slice(0, 8)}`;
    await owner().query(
      "INSERT INTO plans (id, name, rate_per_minute, rate_burst, position) VALUES ($1, 'Tiny', 1, 3, 99)",
      [plan],
    );
    expect((await setPlan(viewer.tenant.id, plan)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await sendAs(viewer, "GET", "/v1/tenant")).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await setPlan(viewer.tenant.id, "no_such_plan")).status).toBe(422);
  });
});

describe("API requests are metered by the tenant's limiter", () => {
  const limiter = (tenantId: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`tenant:${tenantId}`));

  it("counts admitted requests and writes them in aggregate; a GET stays a read-only batch", async () => {
    const viewer = await signedIn("viewer");
    for (let i = 0; i < 4; i++) expect((await sendAs(viewer, "GET", "/v1/tenant")).status).toBe(200);
    // Not yet written, but shown.
    const before = usageSchema.parse(await (await sendAs(viewer, "GET", "/v1/tenant/usage")).json());
    expect(before.metrics.find((m) => m.metric === "api_requests")?.used).toBe(5);
    expect(await limiter(viewer.tenant.id).flushUsage()).toBe(5);
    const rows = await owner().query(
      "SELECT period, used::int FROM usage WHERE tenant_id = $1 AND metric = 'api_requests' ORDER BY period",
      [viewer.tenant.id],
    );
    expect(rows).toEqual([
      { period: "day", used: 5 },
      { period: "month", used: 5 },
    ]);
    expect(await limiter(viewer.tenant.id).flushUsage()).toBe(0);
  });

  it("a flush sent twice (its answer lost) counts once", async () => {
    const viewer = await signedIn("viewer");
    const api = sqlAs("app_api");
    const flush = crypto.randomUUID();
    for (let i = 0; i < 2; i++) {
      await api.transaction([
        api.query(...(await signedBegin({ kind: "worker" }))),
        api.query("SELECT * FROM app.record_api_requests($1, $2, current_date, 7)", [flush, viewer.tenant.id]),
      ]);
    }
    const rows = await owner().query(
      "SELECT used::int FROM usage WHERE tenant_id = $1 AND metric = 'api_requests' AND period = 'month'",
      [viewer.tenant.id],
    );
    expect(rows).toEqual([{ used: 7 }]);
  });
});
