import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it, vi } from "vitest";
import type { Env } from "../../../src/config/env";
import worker from "../../../src/index";
import type { BillingMessage } from "../../../src/jobs/billing/message";
import { LOST_ANSWER_CUSTOMER } from "../../servers/fake-stripe";
import { runCron } from "../cron";
import { signedIn } from "../factories";
import { sendAs, signedBegin, sqlAs } from "../harness";

const owner = () => sqlAs("owner");

async function tenantWithCustomer(customer = `cus_${crypto.randomUUID().slice(0, 12)}`) {
  const member = await signedIn("viewer");
  await owner().query("INSERT INTO subscriptions (tenant_id, stripe_customer_id) VALUES ($1, $2)", [
    member.tenant.id,
    customer,
  ]);
  return { member, customer };
}

/** A flush of `count` API requests, as the tenant's limiter writes it; returns the report id. */
async function flush(tenantId: string, count: number): Promise<string> {
  const api = sqlAs("app_api");
  const id = crypto.randomUUID();
  await api.transaction([
    api.query(...(await signedBegin({ kind: "worker" }))),
    api.query("SELECT * FROM app.record_api_requests($1, $2, current_date, $3)", [id, tenantId, count]),
  ]);
  return id;
}

async function deliver(reportId: string, attempts = 1) {
  const batch = createMessageBatch<BillingMessage>("detecktiv-billing", [
    { id: `m-${attempts}`, timestamp: new Date(), attempts, body: { kind: "usage_report", reportId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

async function stripeSaw(identifier: string) {
  const seen = (await (await fetch(`${inject("stripeUrl")}/__requests`)).json()) as {
    received: { path: string; form: Record<string, string> }[];
    meterEvents: Record<string, string>[];
  };
  return {
    calls: seen.received.filter((r) => r.path === "/v1/billing/meter_events" && r.form.identifier === identifier),
    events: seen.meterEvents.filter((e) => e.identifier === identifier),
  };
}

describe("usage reports to Stripe's billing meter events", () => {
  it("sends a report once with its id as the identifier; a redelivered message sends nothing", async () => {
    const { member, customer } = await tenantWithCustomer();
    const reportId = await flush(member.tenant.id, 42);
    expect((await deliver(reportId)).explicitAcks).toEqual(["m-1"]);
    expect((await deliver(reportId, 2)).explicitAcks).toEqual(["m-2"]);
    const { calls, events } = await stripeSaw(reportId);
    expect(calls).toHaveLength(1);
    expect(events).toEqual([
      expect.objectContaining({
        event_name: "api_requests",
        identifier: reportId,
        "payload[stripe_customer_id]": customer,
        "payload[value]": "42",
      }),
    ]);
  });

  it("a failed report is retried and never billed twice, even when Stripe had it and only the answer was lost", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { member } = await tenantWithCustomer(LOST_ANSWER_CUSTOMER);
    const reportId = await flush(member.tenant.id, 5);
    const first = await deliver(reportId);
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(["m-1"]);
    const [pending] = await owner().query("SELECT reported_at FROM usage_reports WHERE id = $1", [reportId]);
    expect(pending).toEqual({ reported_at: null });
    expect((await deliver(reportId, 2)).explicitAcks).toEqual(["m-2"]);
    const { calls, events } = await stripeSaw(reportId);
    expect(calls).toHaveLength(2);
    expect(events).toHaveLength(1);
    vi.restoreAllMocks();
  });

  it("a tenant without a Stripe customer is counted but makes no report", async () => {
    const member = await signedIn("viewer");
    const reportId = await flush(member.tenant.id, 3);
    expect((await deliver(reportId)).explicitAcks).toEqual(["m-1"]);
    expect((await stripeSaw(reportId)).calls).toEqual([]);
  });

  it("the tenant's limiter writes its requests and queues the report for a tenant with a customer", async () => {
    const { member } = await tenantWithCustomer();
    for (let i = 0; i < 3; i++) expect((await sendAs(member, "GET", "/v1/tenant")).status).toBe(200);
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`tenant:${member.tenant.id}`));
    expect(await limiter.flushUsage()).toBe(3);
    const reports = await owner().query("SELECT value::int FROM usage_reports WHERE tenant_id = $1", [
      member.tenant.id,
    ]);
    expect(reports).toEqual([{ value: 3 }]);
  });
});

describe("the maintenance sweep of usage reports Stripe never got", () => {
  /** The billing queue as the cron sees it, keeping what was sent. */
  function capturingQueue() {
    const sent: string[] = [];
    const queue = {
      async sendBatch(messages: Iterable<MessageSendRequest<BillingMessage>>) {
        for (const message of messages) sent.push(message.body.reportId);
      },
    };
    return { sent, BILLING_QUEUE: queue as unknown as Env["BILLING_QUEUE"] };
  }

  it("puts an overdue report back on the queue once per six hours; fresh, reported and too old ones stay", async () => {
    const { member } = await tenantWithCustomer();
    const [lost, fresh, reported, tooOld] = [
      await flush(member.tenant.id, 7),
      await flush(member.tenant.id, 1),
      await flush(member.tenant.id, 2),
      await flush(member.tenant.id, 3),
    ];
    const age = (id: string | undefined, interval: string) =>
      owner().query("UPDATE usage_reports SET created_at = now() - $2::interval WHERE id = $1", [id, interval]);
    await age(lost, "2 hours");
    await age(reported, "2 hours");
    await age(tooOld, "36 days");
    await owner().query("UPDATE usage_reports SET reported_at = now() WHERE id = $1", [reported]);
    const ours = [lost, fresh, reported, tooOld];

    const queue = capturingQueue();
    await runCron("maintenance", { BILLING_QUEUE: queue.BILLING_QUEUE });
    expect(queue.sent.filter((id) => ours.includes(id))).toEqual([lost]);

    // Not again at the next run: Stripe may be refusing, and the queue retries on its own.
    await runCron("maintenance", { BILLING_QUEUE: queue.BILLING_QUEUE });
    expect(queue.sent.filter((id) => ours.includes(id))).toEqual([lost]);
    await owner().query("UPDATE usage_reports SET requeued_at = now() - interval '7 hours' WHERE id = $1", [lost]);
    await runCron("maintenance", { BILLING_QUEUE: queue.BILLING_QUEUE });
    expect(queue.sent.filter((id) => ours.includes(id))).toEqual([lost, lost]);

    // The message it sent bills the report once, however often it arrives.
    expect((await deliver(lost as string)).explicitAcks).toEqual(["m-1"]);
    expect((await deliver(lost as string, 2)).explicitAcks).toEqual(["m-2"]);
    expect((await stripeSaw(lost as string)).events).toHaveLength(1);
  });
});
