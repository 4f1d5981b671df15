import { sql } from "drizzle-orm";
import { stripeClient } from "../../billing/stripe-client";
import { type Config, loadConfig } from "../../config/config";
import type { Env } from "../../config/env";
import { workerDatabase } from "../../db/worker-database";
import { describeError, type Logger } from "../../observability/logger";
import type { BillingMessage } from "./message";

/** Retries back off up to an hour; Stripe keeps an identifier for at least 24 hours. */
const retryDelay = (attempts: number) => Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));

interface ReportRow extends Record<string, unknown> {
  id: string;
  stripe_customer_id: string;
  value: number | string;
  created_at: string;
  reported_at: string | null;
}

function billingDatabase(config: Config) {
  const { database, requestId } = workerDatabase(config, "billing");
  const { db } = database;
  const begin = () => database.begin({ kind: "worker", request_id: requestId });
  return {
    async report(id: string): Promise<ReportRow | undefined> {
      const [, found] = await db.batch([
        db.execute(await begin()),
        db.execute<ReportRow>(sql`select * from app.usage_report(${id}::uuid)`),
      ]);
      return found.rows[0];
    },
    async markReported(id: string): Promise<void> {
      await db.batch([db.execute(await begin()), db.execute(sql`select app.mark_usage_reported(${id}::uuid)`)]);
    },
  };
}

/**
 * Sends each usage report as a Stripe billing meter event. The report id is the event's
 * `identifier`, so a resend after a lost answer (or a redelivered message) is harmless: Stripe keeps
 * the first event with an identifier. Failures are retried with backoff; a report Stripe has is
 * marked, and a message for a marked report is acknowledged without a call.
 */
export async function consumeBillingBatch(batch: MessageBatch<BillingMessage>, env: Env, logger: Logger) {
  const config = loadConfig(env);
  const store = billingDatabase(config);
  for (const message of batch.messages) {
    const reportId = message.body?.reportId;
    if (message.body?.kind !== "usage_report" || typeof reportId !== "string") {
      logger.error("billing message of an unknown shape; dropped", { message_id: message.id });
      message.ack();
      continue;
    }
    try {
      const report = await store.report(reportId);
      if (!report || report.reported_at) {
        message.ack();
        continue;
      }
      if (!config.STRIPE_SECRET_KEY) throw new Error("STRIPE_SECRET_KEY is not set");
      await stripeClient({ apiUrl: config.STRIPE_API_URL, secretKey: config.STRIPE_SECRET_KEY }).createMeterEvent({
        event_name: config.STRIPE_METER_EVENT_NAME,
        identifier: report.id,
        timestamp: Math.floor(Date.parse(report.created_at) / 1000),
        payload: { stripe_customer_id: report.stripe_customer_id, value: String(report.value) },
      });
      await store.markReported(report.id);
      message.ack();
    } catch (error) {
      logger.warn("usage report not sent; retried", {
        report_id: reportId,
        attempt: message.attempts,
        ...describeError(error, { stack: false }),
      });
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}
