import { sql } from "drizzle-orm";
import type { ApiDatabaseClient } from "../db/client";

export interface ClaimedDelivery extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  url: string;
  /** Sealed (src/webhooks/secrets.ts). */
  secret: string;
  /** The secret before the last rotation, while its 24 hours last. */
  previous_secret: string | null;
  attempts: number;
  event_id: string;
  event_type: string;
  event_created_at: string;
  event_data: Record<string, unknown>;
}

export interface RecordedAttempt extends Record<string, unknown> {
  status: string;
  next_attempt_at: string | null;
  /** Deliveries the attempt's own events made (`webhook_endpoint.disabled`), to be queued. */
  spawned: string[];
}

export type AttemptOutcome = "succeeded" | "retry" | "gone";

export interface Attempt {
  outcome: AttemptOutcome;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  /** Seconds until the next attempt; null: the schedule is over (retry) or none is needed. */
  retrySeconds: number | null;
}

/**
 * The delivery consumer's side of webhook_deliveries, through the Worker-only functions of
 * migration 0032: one round trip to claim, one to record. Each opens with the Worker's signed
 * identity (kind `worker`); without it the functions refuse.
 */
export class DeliveryStore {
  constructor(
    private readonly database: ApiDatabaseClient,
    private readonly requestId: string,
  ) {}

  async claim(deliveryId: string, leaseId: string, leaseSeconds: number): Promise<ClaimedDelivery | null> {
    const { db } = this.database;
    const [, result] = await db.batch([
      db.execute(await this.begin()),
      db.execute<ClaimedDelivery>(sql`select id, tenant_id, endpoint_id, url, secret, previous_secret, attempts, event_id,
          event_type, event_created_at::text, event_data
        from app.claim_webhook_delivery(${deliveryId}::uuid, ${leaseId}::uuid, ${leaseSeconds})`),
    ]);
    return result.rows[0] ?? null;
  }

  /** The delivery's state after the attempt; null when the lease was lost meanwhile. */
  async record(deliveryId: string, leaseId: string, attempt: Attempt): Promise<RecordedAttempt | null> {
    const { db } = this.database;
    const [, result] = await db.batch([
      db.execute(await this.begin()),
      db.execute<RecordedAttempt>(sql`select status, next_attempt_at::text, spawned
        from app.record_webhook_attempt(${deliveryId}::uuid, ${leaseId}::uuid, ${attempt.outcome}, ${attempt.responseStatus},
          ${attempt.durationMs}, ${attempt.error}, ${attempt.retrySeconds})`),
    ]);
    return result.rows[0] ?? null;
  }

  private begin() {
    return this.database.begin({ kind: "worker", request_id: this.requestId });
  }
}
