import { describe, expect, it, vi } from "vitest";
import type { Env } from "../../../src/config/env";
import { createOperatorKey, signedIn } from "../factories";
import { call, callWithEnv, databaseRoundTrips, newRequestId, problemOf } from "../harness";
import { bearer, hsToken } from "../tokens";

const plans = (free: number, pro = 100, anonymous = 100) =>
  JSON.stringify({
    free: { per_minute: 1, burst: free },
    pro: { per_minute: 1, burst: pro },
    anonymous: { per_minute: 1, burst: anonymous },
  });

const limited = (overrides: Partial<Env>) => (path: string, init?: RequestInit) =>
  callWithEnv({ RATE_LIMIT_PLANS: plans(5), ...overrides }, path, init);

describe("rate limiting over HTTP", () => {
  it("admits the budget, then answers 429 problems with Retry-After and RateLimit headers", async () => {
    const member = await signedIn("viewer");
    const get = limited({});
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 8; i++) {
      last = await get("/v1/tenant", { headers: member.headers });
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get("ratelimit-policy")).toBe('"free";q=5;w=300');
        expect(last.headers.get("ratelimit")).toBe('"free";r=4;t=60');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    if (!last) throw new Error("no response");
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last.headers.get("ratelimit")).toMatch(/^"free";r=0;t=\d+$/);
    const problem = await problemOf(last);
    expect(problem).toMatchObject({ status: 429, policy: "free" });
    expect(problem.detail).toContain("retry in");
  });

  it("admits exactly B of N parallel requests", async () => {
    const member = await signedIn("viewer");
    const get = limited({});
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => get("/v1/tenant", { headers: member.headers })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(7);
  });

  it("keeps tenants apart: A exhausting its budget does not touch B's", async () => {
    const a = await signedIn("viewer");
    const b = await signedIn("viewer");
    const get = limited({});
    for (let i = 0; i < 6; i++) await get("/v1/tenant", { headers: a.headers });
    expect((await get("/v1/tenant", { headers: a.headers })).status).toBe(429);
    expect((await get("/v1/tenant", { headers: b.headers })).status).toBe(200);
  });

  it("makes no database round trip for a throttled request", async () => {
    const member = await signedIn("viewer");
    const get = limited({});
    for (let i = 0; i < 5; i++) await get("/v1/tenant", { headers: member.headers });
    const requestId = newRequestId();
    const response = await get("/v1/tenant", { headers: { ...member.headers, "X-Request-Id": requestId } });
    expect(response.status).toBe(429);
    expect(await databaseRoundTrips(requestId)).toBe(0);
  });

  it("applies a plan change through the operator API from the tenant's next request", async () => {
    const member = await signedIn("viewer");
    const get = limited({});
    for (let i = 0; i < 5; i++) await get("/v1/tenant", { headers: member.headers });
    expect((await get("/v1/tenant", { headers: member.headers })).status).toBe(429);
    const billing = await createOperatorKey("billing");
    const upgrade = await get(`/internal/tenants/${member.tenant.id}/plan`, {
      method: "PUT",
      headers: billing.headers,
      body: JSON.stringify({ plan: "pro" }),
    });
    expect(upgrade.status).toBe(200);
    const next = await get("/v1/tenant", { headers: member.headers });
    expect(next.status).toBe(200);
    expect(next.headers.get("ratelimit-policy")).toBe('"pro";q=100;w=6000');
  });

  it("learns a tenant's plan lazily from its first request", async () => {
    const owner = await signedIn("owner");
    const { sqlAs } = await import("../harness");
    await sqlAs("owner").query("UPDATE tenants SET plan = 'pro' WHERE id = $1", [owner.tenant.id]);
    const get = limited({});
    const first = await get("/v1/tenant", { headers: owner.headers });
    expect(first.headers.get("ratelimit-policy")).toBe('"free";q=5;w=300');
    await vi.waitFor(async () => {
      const next = await get("/v1/tenant", { headers: owner.headers });
      expect(next.headers.get("ratelimit-policy")).toBe('"pro";q=100;w=6000');
    });
  });

  it("shows the current limits and remaining budget at GET /v1/tenant/usage", async () => {
    const member = await signedIn("viewer");
    const get = limited({});
    await get("/v1/tenant", { headers: member.headers });
    const response = await get("/v1/tenant/usage", { headers: member.headers });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      plan: "free",
      rate_limit: { burst: 5, per_minute: 1, remaining: 3, reset_seconds: 120 },
    });
  });

  it("does not let a stranger spend a tenant's budget: the stranger's own address pays, then is throttled", async () => {
    const victim = await signedIn("viewer");
    const stranger = await signedIn("owner");
    const get = limited({ RATE_LIMIT_PLANS: plans(5, 100, 3) });
    const address = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const headers = { ...bearer(stranger.token, victim.tenant.id), "CF-Connecting-IP": address };
      statuses.push((await get("/v1/tenant", { headers })).status);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 429, 429, 429, 429]);
    const response = await get("/v1/tenant/usage", { headers: victim.headers });
    expect(((await response.json()) as { rate_limit: { remaining: number } }).rate_limit.remaining).toBe(4);
  });

  it("throttles failed authentication per client address", async () => {
    const get = limited({ RATE_LIMIT_PLANS: plans(5, 100, 3) });
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const token = await hsToken("nobody", { secret: "a-wrong-secret-that-is-long-enough-1234" });
      statuses.push(
        (await get("/v1/me", { headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": address } })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it("limits tenantless routes per client address", async () => {
    const member = await signedIn("viewer");
    const get = limited({ RATE_LIMIT_PLANS: plans(5, 100, 2) });
    const address = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const headers = { ...bearer(member.token), "CF-Connecting-IP": address };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get("/v1/me", { headers })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe("when the limiter cannot be reached", () => {
  const broken = {
    idFromName: () => {
      throw new Error("Durable Object unreachable");
    },
  } as unknown as Env["RATE_LIMITER"];

  it("lets the request through with RATE_LIMIT_FAIL_MODE=open, logging the request id", async () => {
    const member = await signedIn("viewer");
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await callWithEnv({ RATE_LIMITER: broken, RATE_LIMIT_FAIL_MODE: "open" }, "/v1/tenant", {
      headers: { ...member.headers, "X-Request-Id": "limiter-down-0001" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit")).toBeNull();
    const logged = errors.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        message: "rate limiter unreachable",
        request_id: "limiter-down-0001",
        fail_mode: "open",
      }),
    );
    errors.mockRestore();
  });

  it("refuses with a 503 problem with RATE_LIMIT_FAIL_MODE=closed", async () => {
    const member = await signedIn("viewer");
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await callWithEnv({ RATE_LIMITER: broken, RATE_LIMIT_FAIL_MODE: "closed" }, "/v1/tenant", {
      headers: member.headers,
    });
    expect(response.status).toBe(503);
    await problemOf(response);
    errors.mockRestore();
  });
});

describe("the operator API", () => {
  it("refuses the plan API without an operator key (401), and an API key of a tenant", async () => {
    const member = await signedIn("owner");
    const put = (headers: Record<string, string>) =>
      call(`/internal/tenants/${member.tenant.id}/plan`, {
        method: "PUT",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ plan: "enterprise" }),
      });
    expect((await put({})).status).toBe(401);
    expect((await put(member.headers)).status).toBe(401);
  });
});
