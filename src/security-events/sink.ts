import { DurableObject } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { loadConfig } from "../config/config";
import type { Env } from "../config/env";
import { workerDatabase } from "../db/worker-database";
import type { AggregatedEvent, SecurityEvent } from "./event";

const PENDING_KEY = "pending";
/**
 * Distinct aggregates one instance holds between flushes. Past it, new addresses are counted
 * without their address: an attack from many addresses still costs one row per kind and reason.
 */
const MAX_AGGREGATES = 2000;

const keyOf = (e: {
  tenant_id: string | null;
  kind: string;
  reason: string;
  address: string | null;
  key_hash: string | null;
}) => [e.tenant_id ?? "", e.kind, e.reason, e.address ?? "", e.key_hash ?? ""].join("|");

/**
 * Counts security events and writes them to Postgres in batches: a burst of a thousand bad
 * tokens becomes a handful of rows, written in one round trip per flush (app.record_security_events,
 * as the Worker's own identity). Pending counts live in the object's storage, so an eviction
 * between flushes loses nothing; a failed flush keeps them and the alarm tries again.
 */
export class SecurityEventSink extends DurableObject<Env> {
  private pending: Map<string, AggregatedEvent> | undefined;
  /** The request id of the last flush (tests count its round trips). */
  lastFlushRequestId: string | null = null;

  private async load(): Promise<Map<string, AggregatedEvent>> {
    if (!this.pending) {
      const stored = await this.ctx.storage.get<AggregatedEvent[]>(PENDING_KEY);
      this.pending = new Map((stored ?? []).map((event) => [keyOf(event), event]));
    }
    return this.pending;
  }

  async record(events: SecurityEvent[]): Promise<void> {
    const pending = await this.load();
    const now = new Date().toISOString();
    for (const event of events) {
      let entry: AggregatedEvent = {
        tenant_id: event.tenantId,
        kind: event.kind,
        reason: event.reason,
        address: event.address,
        key_hash: event.keyHash,
        count: 0,
        first_seen_at: now,
        last_seen_at: now,
      };
      if (!pending.has(keyOf(entry)) && pending.size >= MAX_AGGREGATES) entry = { ...entry, address: null };
      const existing = pending.get(keyOf(entry));
      if (existing) {
        existing.count += 1;
        existing.last_seen_at = now;
      } else {
        pending.set(keyOf(entry), { ...entry, count: 1 });
      }
    }
    await this.ctx.storage.put(PENDING_KEY, [...pending.values()]);
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.now() + loadConfig(this.env).SECURITY_EVENTS_FLUSH_MS);
    }
  }

  /** What is waiting for the next flush (tests and operators' debugging). */
  async pendingCount(): Promise<number> {
    let total = 0;
    for (const event of (await this.load()).values()) total += event.count;
    return total;
  }

  override async alarm(): Promise<void> {
    await this.flush();
  }

  /** Writes what is pending in one round trip; throws (and keeps it) when the database fails. */
  async flush(): Promise<number> {
    const pending = await this.load();
    if (pending.size === 0) return 0;
    const events = [...pending.values()];
    const config = loadConfig(this.env);
    const { database, requestId } = workerDatabase(config, "security-events");
    const { db } = database;
    this.lastFlushRequestId = requestId;
    await db.batch([
      db.execute(await database.begin({ kind: "worker", request_id: requestId })),
      db.execute(sql`select app.record_security_events(${JSON.stringify(events)}::jsonb)`),
    ]);
    // Counts that arrived during the write stay for the next flush.
    for (const event of events) {
      const key = keyOf(event);
      const current = pending.get(key);
      if (current === event) pending.delete(key);
    }
    await this.ctx.storage.put(PENDING_KEY, [...pending.values()]);
    if (pending.size > 0 && (await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.now() + config.SECURITY_EVENTS_FLUSH_MS);
    }
    return events.length;
  }
}
