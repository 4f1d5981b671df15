import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { webhookEndpointWithSecretSchema } from "../../../src/routes/webhook-endpoints/schemas";
import type { WebhookMessage } from "../../../src/webhooks/message";
import { runCron } from "../cron";
import { createOperatorKey, signedIn } from "../factories";
import { call, sendAs, sqlAs } from "../harness";
import { deliver, hitsOf, jobState, queuedJob } from "../scrape";
import { eventually, Receiver } from "../webhooks/receiver";

const post = (headers: Record<string, string>, body: unknown) => ({
  method: "POST",
  headers,
  body: JSON.stringify(body),
});

describe("a suspended tenant's background work", () => {
  it("its scrape jobs wait: the consumer does not claim them and loses nothing; lifting the suspension sends them again", async () => {
    const operator = await createOperatorKey();
    const editor = await signedIn("editor");
    const { jobId } = await queuedJob(editor, "basic");
    const hitsBefore = (await hitsOf("basic")).length;
    expect(
      (await call(`/internal/tenants/${editor.tenant.id}/suspend`, post(operator.headers, { reason: "fraud check" })))
        .status,
    ).toBe(200);

    const result = await deliver([jobId]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(await jobState(jobId)).toMatchObject({ status: "queued", attempts: 0, lease_id: null });
    expect((await hitsOf("basic")).length).toBe(hitsBefore);

    // The maintenance cron would send a forgotten job again: not while its tenant is suspended.
    await sqlAs("owner").transaction([
      sqlAs("owner").query("SET LOCAL session_replication_role = replica"),
      sqlAs("owner").query("UPDATE scrape_jobs SET updated_at = now() - interval '1 hour' WHERE id = $1", [jobId]),
    ]);
    await runCron("maintenance");
    const [aged] = await sqlAs("owner").query(
      "SELECT updated_at < now() - interval '30 minutes' AS aged FROM scrape_jobs WHERE id = $1",
      [jobId],
    );
    expect(aged).toEqual({ aged: true });

    const lifted = await call(
      `/internal/tenants/${editor.tenant.id}/unsuspend`,
      post(operator.headers, { reason: "cleared" }),
    );
    expect(lifted.status).toBe(200);
    // Sent again: delivered now, it is claimed and done.
    await deliver([jobId]);
    expect((await jobState(jobId)).status).toBe("succeeded");
  });

  it("its webhook deliveries wait: the consumer does not claim them, the sweep skips them; lifting sends them", async () => {
    const operator = await createOperatorKey();
    const admin = await signedIn("admin");
    const receiver = new Receiver();
    await receiver.set({ mode: "down" });
    const created = await sendAs(admin, "POST", "/v1/webhook-endpoints", { url: receiver.url, enabled_events: ["*"] });
    const endpoint = webhookEndpointWithSecretSchema.parse(await created.json());
    await receiver.set({ secrets: [endpoint.secret] });
    expect((await sendAs(admin, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`)).status).toBe(202);
    const state = async () => {
      const [row] = await sqlAs("owner").query(
        "SELECT id, status, attempts FROM webhook_deliveries WHERE endpoint_id = $1",
        [endpoint.id],
      );
      return row as { id: string; status: string; attempts: number };
    };
    // The first attempt meets a receiver that is down: pending, due again later.
    const failed = await eventually(async () => ((await state())?.attempts === 1 ? state() : undefined));
    expect(failed.status).toBe("pending");

    expect(
      (await call(`/internal/tenants/${admin.tenant.id}/suspend`, post(operator.headers, { reason: "abuse" }))).status,
    ).toBe(200);
    await receiver.set({ mode: "ok" });
    await sqlAs("owner").query(
      "UPDATE webhook_deliveries SET next_attempt_at = now() - interval '5 minutes' WHERE id = $1",
      [failed.id],
    );
    // Its queue message arrives: acknowledged, not claimed, nothing sent, the delivery kept.
    const batch = createMessageBatch<WebhookMessage>("detecktiv-webhooks", [
      { id: "suspended-1", timestamp: new Date(), attempts: 1, body: { deliveryId: failed.id } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["suspended-1"]);
    // The maintenance cron's outbox sweep leaves it too.
    await runCron("maintenance");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await state()).toMatchObject({ status: "pending", attempts: 1 });
    expect((await receiver.received()).map((r) => r.answered)).toEqual(["dropped"]);

    expect(
      (await call(`/internal/tenants/${admin.tenant.id}/unsuspend`, post(operator.headers, { reason: "cleared" })))
        .status,
    ).toBe(200);
    await runCron("maintenance");
    const delivered = await eventually(async () => ((await state())?.status === "succeeded" ? state() : undefined));
    expect(delivered.attempts).toBe(2);
    expect((await receiver.received()).map((r) => r.answered)).toEqual(["dropped", 200]);
  });
});
