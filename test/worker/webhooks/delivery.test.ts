import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import {
  type WebhookDeliveryBody,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookEndpointWithSecretSchema,
} from "../../../src/routes/webhook-endpoints/schemas";
import type { WebhookMessage } from "../../../src/webhooks/message";
import { runCron } from "../cron";
import { signedIn } from "../factories";
import { sendAs, sqlAs } from "../harness";
import { eventually, Receiver } from "./receiver";

type Member = Awaited<ReturnType<typeof signedIn>>;

async function endpointFor(admin: Member, receiver: Receiver, enabled_events: string[] = ["*"]) {
  const response = await sendAs(admin, "POST", "/v1/webhook-endpoints", { url: receiver.url, enabled_events });
  if (response.status !== 201) throw new Error(`endpoint: ${response.status} ${await response.text()}`);
  const endpoint = webhookEndpointWithSecretSchema.parse(await response.json());
  await receiver.set({ secrets: [endpoint.secret] });
  return endpoint;
}

async function deliveries(admin: Member, endpointId: string): Promise<WebhookDeliveryBody[]> {
  const response = await sendAs(admin, "GET", `/v1/webhook-endpoints/${endpointId}/deliveries`);
  const body = (await response.json()) as { items: unknown[] };
  return body.items.map((item) => webhookDeliverySchema.parse(item));
}

/** The delivery once it has been attempted `attempts` times (the queue runs in the background). */
const attempted = (admin: Member, endpointId: string, attempts = 1) =>
  eventually(async () => (await deliveries(admin, endpointId)).find((d) => d.attempts >= attempts));

describe("webhook delivery", () => {
  it("pushes a change, signed the Standard Webhooks way (checked by the standardwebhooks package)", async () => {
    const admin = await signedIn("admin");
    const receiver = new Receiver();
    const endpoint = await endpointFor(admin, receiver, ["company.created"]);
    const company = await sendAs(admin, "POST", "/v1/companies", { name: "Pushed Ltd" });
    const { id } = (await company.json()) as { id: string };
    // Not subscribed: never sent.
    await sendAs(admin, "PATCH", `/v1/companies/${id}`, { name: "Pushed Renamed Ltd" });

    const [received] = await receiver.waitFor(1);
    expect(received?.verified).toEqual([true]);
    expect(received?.answered).toBe(200);
    expect(received?.headers["user-agent"]).toMatch(/Detecktiv/);
    expect(received?.headers["content-type"]).toBe("application/json");
    const payload = JSON.parse(received?.body ?? "{}");
    expect(payload).toMatchObject({
      id: received?.headers["webhook-id"],
      type: "company.created",
      tenant_id: admin.tenant.id,
      data: { id, name: "Pushed Ltd" },
    });
    expect(Math.abs(Number(received?.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);

    const delivery = await attempted(admin, endpoint.id);
    expect(delivery).toMatchObject({
      status: "succeeded",
      attempts: 1,
      response_status: 200,
      event_type: "company.created",
      event_id: payload.id,
      next_attempt_at: null,
    });
    expect(delivery.duration_ms).toBeGreaterThanOrEqual(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await receiver.received()).toHaveLength(1);
  });

  it("sends webhook.test to that endpoint alone", async () => {
    const admin = await signedIn("admin");
    const one = new Receiver();
    const other = new Receiver();
    const endpoint = await endpointFor(admin, one);
    await endpointFor(admin, other);
    const response = await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(response.status).toBe(202);
    expect(webhookDeliverySchema.parse(await response.json())).toMatchObject({ status: "pending", attempts: 0 });
    const [received] = await one.waitFor(1);
    expect(JSON.parse(received?.body ?? "{}")).toMatchObject({
      type: "webhook.test",
      data: { endpoint_id: endpoint.id },
    });
    expect(received?.verified).toEqual([true]);
    expect(await other.received()).toEqual([]);
  });

  it("retries a receiver that is down, and delivers once it is back (manual retry, then the outbox sweep)", async () => {
    const admin = await signedIn("admin");
    const receiver = new Receiver();
    await receiver.set({ mode: "down" });
    const endpoint = await endpointFor(admin, receiver);
    await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    const failed = await attempted(admin, endpoint.id);
    expect(failed).toMatchObject({ status: "pending", attempts: 1, response_status: null });
    expect(failed.last_error).toMatch(/connection failed/);
    // The first retry waits about a minute (60 s ± 10 %).
    const wait = Date.parse(failed.next_attempt_at ?? "") - Date.parse(failed.last_attempt_at ?? "");
    expect(wait).toBeGreaterThanOrEqual(53_000);
    expect(wait).toBeLessThanOrEqual(67_000);
    const state = webhookEndpointSchema.parse(
      await (await sendAs(admin, "GET", `/v1/webhook-endpoints/${endpoint.id}`)).json(),
    );
    expect(state.failing_since).not.toBeNull();

    await receiver.set({ mode: "ok" });
    const retried = await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/deliveries/${failed.id}/retry`);
    expect(retried.status).toBe(202);
    const delivered = await attempted(admin, endpoint.id, 2);
    expect(delivered).toMatchObject({ status: "succeeded", attempts: 2, response_status: 200 });
    const received = await receiver.received();
    expect(received.map((r) => r.answered)).toEqual(["dropped", 200]);
    // Both attempts carried the same webhook-id: receivers deduplicate by it.
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(received[1]?.verified).toEqual([true]);
    const healthy = webhookEndpointSchema.parse(
      await (await sendAs(admin, "GET", `/v1/webhook-endpoints/${endpoint.id}`)).json(),
    );
    expect(healthy.failing_since).toBeNull();
    expect(
      (await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/deliveries/${failed.id}/retry`)).status,
    ).toBe(409);

    // A retry whose queue message got lost: the maintenance cron's sweep sends it again.
    await receiver.set({ mode: "fail" });
    await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    const second = await eventually(async () =>
      (await deliveries(admin, endpoint.id)).find((d) => d.id !== failed.id && d.attempts === 1),
    );
    expect(second).toMatchObject({ status: "pending", response_status: 500, last_error: "HTTP 500" });
    await receiver.set({ mode: "ok" });
    await sqlAs("owner").query(
      "UPDATE webhook_deliveries SET next_attempt_at = now() - interval '5 minutes' WHERE id = $1",
      [second.id],
    );
    await runCron("maintenance");
    const swept = await eventually(async () =>
      (await deliveries(admin, endpoint.id)).find((d) => d.id === second.id && d.status === "succeeded"),
    );
    expect(swept.attempts).toBe(2);
  });

  it("delivers once when the queue brings the same message twice", async () => {
    const admin = await signedIn("admin");
    const receiver = new Receiver();
    const endpoint = await endpointFor(admin, receiver);
    const test = webhookDeliverySchema.parse(
      await (await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`)).json(),
    );
    const message = { timestamp: new Date(), attempts: 1, body: { deliveryId: test.id } };
    const batch = createMessageBatch<WebhookMessage>("detecktiv-webhooks", [
      { id: "dup-1", ...message },
      { id: "dup-2", ...message },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["dup-1", "dup-2"]);
    await attempted(admin, endpoint.id);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await receiver.received()).toHaveLength(1);
    expect((await deliveries(admin, endpoint.id))[0]).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("signs with both secrets for 24 hours after a rotation, then with the new one only", async () => {
    const admin = await signedIn("admin");
    const receiver = new Receiver();
    const endpoint = await endpointFor(admin, receiver);
    const rotated = await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = webhookEndpointWithSecretSchema.parse(await rotated.json());
    expect(fresh.secret).not.toBe(endpoint.secret);
    const overlap = Date.parse(fresh.previous_secret_expires_at ?? "") - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
    await receiver.set({ secrets: [endpoint.secret, fresh.secret] });

    await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    const [during] = await receiver.waitFor(1);
    expect(during?.verified).toEqual([true, true]);
    expect(during?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);

    // A day later the old secret no longer signs.
    await sqlAs("owner").query(
      "UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1",
      [endpoint.id],
    );
    await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    const [, after] = await receiver.waitFor(2);
    expect(after?.verified).toEqual([false, true]);
    expect(after?.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
  });

  it("disables an endpoint that answers 410 Gone, and tells the other endpoints", async () => {
    const admin = await signedIn("admin");
    const gone = new Receiver();
    const watcher = new Receiver();
    await gone.set({ mode: "gone" });
    const endpoint = await endpointFor(admin, gone);
    await endpointFor(admin, watcher, ["webhook_endpoint.disabled"]);
    await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    const failed = await attempted(admin, endpoint.id);
    expect(failed).toMatchObject({ status: "failed", response_status: 410, next_attempt_at: null });
    const state = webhookEndpointSchema.parse(
      await (await sendAs(admin, "GET", `/v1/webhook-endpoints/${endpoint.id}`)).json(),
    );
    expect(state).toMatchObject({ enabled: false, disabled_reason: "gone" });
    const [told] = await watcher.waitFor(1);
    expect(JSON.parse(told?.body ?? "{}")).toMatchObject({
      type: "webhook_endpoint.disabled",
      data: { id: endpoint.id, reason: "gone" },
    });
  });

  it("disables an endpoint that has been failing for five days", async () => {
    const admin = await signedIn("admin");
    const receiver = new Receiver();
    await receiver.set({ mode: "fail" });
    const endpoint = await endpointFor(admin, receiver);
    await sqlAs("owner").query(
      "UPDATE webhook_endpoints SET failing_since = now() - interval '5 days 1 hour' WHERE id = $1",
      [endpoint.id],
    );
    await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    await attempted(admin, endpoint.id);
    const state = webhookEndpointSchema.parse(
      await (await sendAs(admin, "GET", `/v1/webhook-endpoints/${endpoint.id}`)).json(),
    );
    expect(state).toMatchObject({ enabled: false, disabled_reason: "failing" });
    const events = await eventually(async () => {
      const page = (await (await sendAs(admin, "GET", "/v1/events?type=webhook_endpoint.disabled")).json()) as {
        items: { data: Record<string, unknown> }[];
      };
      return page.items.length > 0 ? page : undefined;
    });
    expect(events.items.map((event) => event.data)).toEqual([
      expect.objectContaining({ id: endpoint.id, reason: "failing" }),
    ]);
  });

  it("counts a timeout and a refused address as failures to retry", async () => {
    const admin = await signedIn("admin");
    const slow = new Receiver();
    await slow.set({ mode: "slow" });
    const endpoint = await endpointFor(admin, slow);
    await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    const timedOut = await attempted(admin, endpoint.id);
    expect(timedOut).toMatchObject({
      status: "pending",
      response_status: null,
      last_error: "no answer within 1000 ms",
    });

    // Saved before the rules tightened, say: the send-time check refuses it all the same.
    const refused = await endpointFor(admin, new Receiver());
    await sqlAs("owner").query("UPDATE webhook_endpoints SET url = 'https://10.20.30.40/hook' WHERE id = $1", [
      refused.id,
    ]);
    await sendAs(admin, "POST", `/v1/webhook-endpoints/${refused.id}/test`);
    const blocked = await attempted(admin, refused.id);
    expect(blocked).toMatchObject({ status: "pending", response_status: null });
    expect(blocked.last_error).toMatch(/^address refused: 10\.20\.30\.40 is a private address/);
  });

  it("sends nothing for a change that rolled back", async () => {
    const admin = await signedIn("admin");
    const receiver = new Receiver();
    await endpointFor(admin, receiver, ["company.created"]);
    const taken = String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
    expect((await sendAs(admin, "POST", "/v1/companies", { name: "First Ltd", company_number: taken })).status).toBe(
      201,
    );
    expect((await sendAs(admin, "POST", "/v1/companies", { name: "Twin Ltd", company_number: taken })).status).toBe(
      409,
    );
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const received = await receiver.received();
    expect(received.map((r) => JSON.parse(r.body).data.name)).toEqual(["First Ltd"]);
  });
});
