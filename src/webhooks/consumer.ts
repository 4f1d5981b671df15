import { type Config, loadConfig } from "../config/config";
import type { Env } from "../config/env";
import { isDatabaseUnavailable } from "../db/errors";
import { workerDatabaseClient } from "../db/worker-database";
import { isoTimestamp } from "../http/timestamps";
import { describeError, type Logger } from "../observability/logger";
import { type Attempt, type ClaimedDelivery, DeliveryStore } from "./delivery-store";
import type { WebhookMessage } from "./message";
import { sendDeliveries } from "./outbox";
import { retryDelaySeconds } from "./schedule";
import { openSecret } from "./secrets";
import { signedHeaders } from "./signature";
import { webhookUrlProblem } from "./url-guard";

/** A consumer holds a delivery this long: the send's timeout and a margin. */
const LEASE_SECONDS = 60;
const isUuid = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f-]{36}$/i.test(value);

/** What the receiver gets: Standard Webhooks' `type`, `timestamp`, `data`, with our event id. */
export function payloadOf(delivery: ClaimedDelivery): string {
  return JSON.stringify({
    id: delivery.event_id,
    type: delivery.event_type,
    timestamp: isoTimestamp(delivery.event_created_at),
    tenant_id: delivery.tenant_id,
    data: delivery.event_data,
  });
}

/** One HTTP attempt. Every failure is an outcome to record, never a throw. */
async function attempt(delivery: ClaimedDelivery, config: Config): Promise<Attempt> {
  const retry = (responseStatus: number | null, error: string, durationMs: number): Attempt => ({
    outcome: "retry",
    responseStatus,
    durationMs,
    error,
    retrySeconds: retryDelaySeconds(delivery.attempts + 1),
  });
  // Checked again at send time: the policy may have changed since the endpoint was saved.
  const refused = webhookUrlProblem(delivery.url, { allowLoopback: config.SCRAPE_ALLOW_PRIVATE_NETWORKS });
  if (refused) return retry(null, `address refused: ${refused}`, 0);
  const key = config.WEBHOOK_SECRETS_KEY;
  if (!key) return retry(null, "WEBHOOK_SECRETS_KEY is not configured", 0);
  const secrets = [await openSecret(delivery.secret, delivery.endpoint_id, key)];
  if (delivery.previous_secret) secrets.push(await openSecret(delivery.previous_secret, delivery.endpoint_id, key));
  const body = payloadOf(delivery);
  const headers = await signedHeaders(delivery.event_id, Math.floor(Date.now() / 1000), body, secrets);
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(delivery.url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": config.WEBHOOK_USER_AGENT },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(config.WEBHOOK_TIMEOUT_MS),
    });
    await response.body?.cancel();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const why = timedOut
      ? `no answer within ${config.WEBHOOK_TIMEOUT_MS} ms`
      : `connection failed: ${error instanceof Error ? error.message : String(error)}`;
    return retry(null, why, Date.now() - started);
  }
  const durationMs = Date.now() - started;
  if (response.status >= 200 && response.status < 300) {
    return { outcome: "succeeded", responseStatus: response.status, durationMs, error: null, retrySeconds: null };
  }
  if (response.status === 410) {
    return {
      outcome: "gone",
      responseStatus: 410,
      durationMs,
      error: "410 Gone: endpoint disabled",
      retrySeconds: null,
    };
  }
  return retry(response.status, `HTTP ${response.status}`, durationMs);
}

/**
 * Delivers one message's delivery: claim (a duplicate or early message gets nothing and is
 * acknowledged), send, record; a failure due again is queued with its delay. The one place
 * that decides whether a tenant's webhooks go out (app.claim_webhook_delivery holds a deleted
 * tenant's; a suspended tenant's belong there too).
 */
export async function deliver(deliveryId: string, env: Env, config: Config, logger: Logger): Promise<void> {
  const requestId = `webhook-${crypto.randomUUID()}`;
  const store = new DeliveryStore(workerDatabaseClient(config, requestId), requestId);
  const leaseId = crypto.randomUUID();
  const delivery = await store.claim(deliveryId, leaseId, LEASE_SECONDS);
  if (!delivery) {
    logger.info("webhook delivery not claimable; message acknowledged", { delivery_id: deliveryId });
    return;
  }
  const result = await attempt(delivery, config);
  const state = await store.record(deliveryId, leaseId, result);
  logger.info("webhook attempt", {
    delivery_id: deliveryId,
    tenant_id: delivery.tenant_id,
    endpoint_id: delivery.endpoint_id,
    attempt: delivery.attempts + 1,
    outcome: result.outcome,
    response_status: result.responseStatus,
    duration_ms: result.durationMs,
    status: state?.status ?? "lease_lost",
  });
  if (state?.status === "pending" && result.retrySeconds !== null) {
    await sendDeliveries(env, [deliveryId], logger, result.retrySeconds);
  }
  if (state && state.spawned.length > 0) await sendDeliveries(env, state.spawned, logger);
}

export async function consumeWebhookBatch(batch: MessageBatch<WebhookMessage>, env: Env, logger: Logger) {
  const config = loadConfig(env);
  for (const message of batch.messages) {
    const deliveryId = message.body?.deliveryId;
    if (!isUuid(deliveryId)) {
      logger.error("webhook message without a delivery id; dropped", { message_id: message.id });
      message.ack();
      continue;
    }
    try {
      await deliver(deliveryId, env, config, logger);
      message.ack();
    } catch (error) {
      // Our side failed (the database): the delivery is untouched or its lease runs out; try again.
      const outage = isDatabaseUnavailable(error);
      logger[outage ? "warn" : "error"]("webhook delivery not processed; message retried", {
        delivery_id: deliveryId,
        ...describeError(error, { stack: !outage }),
      });
      message.retry({ delaySeconds: 60 });
    }
  }
}
