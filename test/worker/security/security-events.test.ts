import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { sinkNameFor } from "../../../src/security-events/recorder";
import type { SecurityEventSink } from "../../../src/security-events/sink";
import { runCron } from "../cron";
import { createApiKeyVia, createOperatorKey, signedIn } from "../factories";
import { call, databaseRoundTrips, newRequestId, sqlAs } from "../harness";

const sinkFor = (address: string) => env.SECURITY_EVENTS.get(env.SECURITY_EVENTS.idFromName(sinkNameFor(address)));

/** Waits until the sink holds `count` events, flushes it as its alarm would, and returns the flush's round trips. */
async function flush(address: string, count: number): Promise<number> {
  const sink = sinkFor(address);
  await vi.waitFor(async () => expect(await sink.pendingCount()).toBeGreaterThanOrEqual(count), { timeout: 10_000 });
  expect(await runDurableObjectAlarm(sink)).toBe(true);
  const requestId = await runInDurableObject(sink, (instance: SecurityEventSink) => instance.lastFlushRequestId);
  if (!requestId) throw new Error("the sink did not flush");
  expect(await sink.pendingCount()).toBe(0);
  return databaseRoundTrips(requestId);
}

const eventsFrom = async (address: string) =>
  (await sqlAs("owner").query(
    "SELECT tenant_id, kind, reason, count FROM security_events WHERE address = $1 ORDER BY kind, reason",
    [address],
  )) as { tenant_id: string | null; kind: string; reason: string; count: number }[];

const uniqueAddress = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 6)}`;

describe("security events", () => {
  it("a burst of 1,000 bad tokens costs no database work per request, and one write for the lot", async () => {
    const address = uniqueAddress();
    const requestId = newRequestId();
    for (let i = 0; i < 1000; i++) {
      const response = await call("/v1/tenant", {
        headers: { Authorization: `Bearer not-a-token-${i}`, "cf-connecting-ip": address, "X-Request-Id": requestId },
      });
      expect(response.status).toBe(401);
    }
    expect(await databaseRoundTrips(requestId)).toBe(0);
    expect(await flush(address, 1000)).toBe(1);
    expect(await eventsFrom(address)).toEqual([
      { tenant_id: null, kind: "authentication_failed", reason: "invalid_token", count: 1000 },
    ]);
  }, 60_000);

  it("records a revoked key's use and requests for another tenant under the tenant, shown to its admins only", async () => {
    const admin = await signedIn("admin");
    const stranger = await signedIn("owner");
    const address = uniqueAddress();
    const { id, key } = await createApiKeyVia(admin, { role: "viewer", scopes: ["*"] });
    expect((await call(`/v1/api-keys/${id}`, { method: "DELETE", headers: admin.headers })).status).toBe(204);
    for (let i = 0; i < 3; i++) {
      const refused = await call("/v1/tenant", {
        headers: { Authorization: `Bearer ${key}`, "cf-connecting-ip": address },
      });
      expect(refused.status).toBe(401);
    }
    const probe = await call("/v1/tenant", {
      headers: { ...stranger.headers, "X-Tenant-Id": admin.tenant.id, "cf-connecting-ip": address },
    });
    expect(probe.status).toBe(404);
    expect(await flush(address, 4)).toBe(1);
    expect(await eventsFrom(address)).toEqual([
      { tenant_id: admin.tenant.id, kind: "other_tenant_requested", reason: "tenant", count: 1 },
      { tenant_id: admin.tenant.id, kind: "revoked_key_used", reason: "api_key", count: 3 },
    ]);

    const listed = await call("/v1/security-events", { headers: admin.headers });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { items: { kind: string; count: number; address: string | null }[] };
    expect(body.items.map((item) => [item.kind, item.count, item.address])).toEqual(
      expect.arrayContaining([
        ["revoked_key_used", 3, address],
        ["other_tenant_requested", 1, address],
      ]),
    );
    const others = (await (await call("/v1/security-events", { headers: stranger.headers })).json()) as {
      items: { address: string | null }[];
    };
    expect(others.items.filter((item) => item.address === address)).toEqual([]);
    const viewer = await signedIn("viewer", admin.tenant);
    expect((await call("/v1/security-events", { headers: viewer.headers })).status).toBe(403);

    const operator = await createOperatorKey();
    const platform = await call(`/internal/security-events?tenant_id=${admin.tenant.id}&kind=revoked_key_used`, {
      headers: operator.headers,
    });
    expect(platform.status).toBe(200);
    const all = (await platform.json()) as { items: { tenant_id: string; count: number }[] };
    expect(all.items).toEqual([expect.objectContaining({ tenant_id: admin.tenant.id, count: 3 })]);
    const [audit] = await sqlAs("owner").query("SELECT action FROM platform_audit_log WHERE operator_id = $1", [
      operator.id,
    ]);
    expect(audit).toEqual({ action: "security_events.read" });
  });

  it("records quota breaches (402 quota_exceeded) under the tenant, by metric", async () => {
    const editor = await signedIn("editor");
    const address = uniqueAddress();
    const month = `${new Date().toISOString().slice(0, 8)}01`;
    // The free plan allows 20 scrape jobs a month: all used.
    await sqlAs("owner").query(
      "INSERT INTO usage (tenant_id, metric, period, starts_on, used) VALUES ($1, 'scrape_jobs', 'month', $2, 20)",
      [editor.tenant.id, month],
    );
    const [company] = await sqlAs("owner").query(
      "INSERT INTO companies (tenant_id, name, website) VALUES ($1, 'Quota Ltd', 'https://quota.example.com') RETURNING id",
      [editor.tenant.id],
    );
    for (let i = 0; i < 2; i++) {
      const refused = await call(`/v1/companies/${company?.id}/scrape`, {
        method: "POST",
        headers: { ...editor.headers, "content-type": "application/json", "cf-connecting-ip": address },
      });
      expect(refused.status).toBe(402);
    }
    expect(await flush(address, 2)).toBe(1);
    expect(await eventsFrom(address)).toEqual([
      { tenant_id: editor.tenant.id, kind: "quota_exceeded", reason: "scrape_jobs", count: 2 },
    ]);
  });

  it("the retention cron clears addresses past SECURITY_EVENTS_ADDRESS_RETENTION_DAYS, later the events", async () => {
    const address = uniqueAddress();
    const owner = sqlAs("owner");
    const [{ marker } = { marker: "" }] = (await owner.query("SELECT gen_random_uuid()::text AS marker")) as {
      marker: string;
    }[];
    await owner.query(
      `INSERT INTO security_events (kind, reason, address, count, first_seen_at, last_seen_at) VALUES
         ('authentication_failed', $2 || ':old', $1, 5, now() - interval '40 days', now() - interval '40 days'),
         ('authentication_failed', $2 || ':recent', $1, 2, now() - interval '1 day', now() - interval '1 day'),
         ('authentication_failed', $2 || ':ancient', $1, 1, now() - interval '400 days', now() - interval '400 days')`,
      [address, marker],
    );
    await runCron("retentionPurge");
    const rows = await owner.query(
      "SELECT split_part(reason, ':', 2) AS age, address, count FROM security_events WHERE reason LIKE $1 || ':%' ORDER BY age",
      [marker],
    );
    expect(rows).toEqual([
      { age: "old", address: null, count: 5 },
      { age: "recent", address, count: 2 },
    ]);
  });
});
