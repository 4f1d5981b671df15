import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PERSIST_DELAY_MS, type TenantRateLimiter } from "../../../src/rate-limit/tenant-rate-limiter";

const tight = JSON.stringify({ free: { per_minute: 60, burst: 10 }, pro: { per_minute: 600, burst: 50 } });
const stubFor = () => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`tenant:${crypto.randomUUID()}`));
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const stored = (stub: ReturnType<typeof stubFor>) =>
  runInDurableObject(stub, (_: TenantRateLimiter, state) => state.storage.kv.get("bucket"));
/**
 * The objects share the tests' isolate, so their write-behind timer can be faked; it must fire
 * inside the object it belongs to (storage is the object's I/O).
 */
const fakeTimers = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
const writeBehindDue = (stub: ReturnType<typeof stubFor>) =>
  runInDurableObject(stub, () => {
    vi.advanceTimersByTime(PERSIST_DELAY_MS);
  });

describe("TenantRateLimiter", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("admits exactly min(N, B) of N concurrent requests", async () => {
    const stub = stubFor();
    const decisions = await Promise.all(
      Array.from({ length: 25 }, () => stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 })),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds === 1)).toBe(true);
  });

  it("refills at the policy's rate (time driven through the object)", async () => {
    const stub = stubFor();
    for (let i = 0; i < 10; i++) await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    expect((await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 })).allowed).toBe(false);
    // 60 per minute: one token a second.
    const later = await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 + 1000 });
    expect(later).toMatchObject({ allowed: true, remaining: 0 });
    expect((await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 + 1000 })).allowed).toBe(false);
    const full = await stub.consume({ cost: 3, kind: "tenant", plans: tight, now: T0 + 61_000 });
    expect(full).toMatchObject({ allowed: true, remaining: 7, resetSeconds: 3 });
  });

  it("charges a request's cost and says when a costly request would fit", async () => {
    const stub = stubFor();
    await stub.consume({ cost: 8, kind: "tenant", plans: tight, now: T0 });
    const refused = await stub.consume({ cost: 5, kind: "tenant", plans: tight, now: T0 });
    expect(refused).toMatchObject({ allowed: false, remaining: 2, retryAfterSeconds: 3 });
  });

  it("applies the plan it is told, from the next request", async () => {
    const stub = stubFor();
    const unknown = await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    expect(unknown).toMatchObject({ policy: "free", planKnown: false, burst: 10 });
    await stub.setPlan({ plan: "pro", limits: { perMinute: 1200, burst: 300 } }, tight, T0);
    const known = await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    // 9 left of free's 10, plus the 40 extra that pro's burst allows, minus this request.
    expect(known).toMatchObject({ policy: "pro", planKnown: true, burst: 50, remaining: 48 });
  });

  it("keeps its state across eviction", async () => {
    const stub = stubFor();
    for (let i = 0; i < 6; i++) await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    await stub.setPlan({ plan: "free", limits: { perMinute: 120, burst: 60 } }, tight, T0);
    await evictDurableObject(stub);
    const after = await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    expect(after).toMatchObject({ allowed: true, remaining: 3, planKnown: true });
  });

  it("forgets an idle bucket when its alarm fires, and keeps a busy one", async () => {
    const stub = stubFor();
    await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: Date.now() });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(
      await runInDurableObject(stub, (_: TenantRateLimiter, state) => state.storage.kv.get("bucket")),
    ).toBeDefined();

    await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: Date.now() - 2 * 3600_000 });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const stored = await runInDurableObject(stub, (_: TenantRateLimiter, state) => [...state.storage.kv.list()]);
    expect(stored).toEqual([]);
  });

  it("refunds tokens that a stranger's request took", async () => {
    const stub = stubFor();
    for (let i = 0; i < 10; i++) await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    await stub.refund(4, tight, T0);
    expect(await stub.peek(tight, T0)).toMatchObject({ remaining: 4 });
  });

  it("answers from memory and writes its decisions behind, in one write", async () => {
    fakeTimers();
    const stub = stubFor();
    for (let i = 0; i < 4; i++) await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    expect(await stored(stub)).toBeUndefined();
    await writeBehindDue(stub);
    expect(await stored(stub)).toEqual({ tokens: 6, updatedAt: T0 });
    // Memory stayed the truth meanwhile: the fifth request sees four spent.
    expect(await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 })).toMatchObject({ remaining: 5 });
  });

  it("forgets in a crash only the decisions not yet written, in the tenant's favour", async () => {
    fakeTimers();
    const stub = stubFor();
    for (let i = 0; i < 5; i++) await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    await writeBehindDue(stub);
    for (let i = 0; i < 3; i++) await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    await evictDurableObject(stub);
    // The last 3 are forgotten (granted again); the 5 written are not.
    const after = await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    expect(after).toMatchObject({ allowed: true, remaining: 4 });
  });

  it("writes refunds and plan changes at once: a crash never takes back what they gave", async () => {
    fakeTimers();
    const stub = stubFor();
    for (let i = 0; i < 10; i++) await stub.consume({ cost: 1, kind: "tenant", plans: tight, now: T0 });
    await writeBehindDue(stub);
    await stub.refund(4, tight, T0);
    await evictDurableObject(stub);
    expect(await stub.peek(tight, T0)).toMatchObject({ plan: null, remaining: 4 });

    await stub.setPlan({ plan: "pro", limits: { perMinute: 1200, burst: 300 } }, tight, T0);
    await evictDurableObject(stub);
    // 4 left of free's 10, plus the 40 extra that pro's burst allows.
    expect(await stub.peek(tight, T0)).toMatchObject({ plan: "pro", remaining: 44 });
  });

  it("meters each admitted request on the UTC day it was made, either side of midnight", async () => {
    fakeTimers();
    const stub = stubFor();
    const tenantId = crypto.randomUUID();
    const midnight = Date.UTC(2026, 11, 4);
    for (const now of [midnight - 2, midnight - 1, midnight, midnight + 86_400_000 - 1, midnight + 86_400_000]) {
      await stub.consume({ cost: 1, kind: "tenant", plans: tight, tenantId, now });
    }
    await writeBehindDue(stub);
    expect(await stored(stub)).toMatchObject({
      meter: { tenantId, pending: { "2026-12-03": 2, "2026-12-04": 2, "2026-12-05": 1 } },
    });
  });
});
