import { sql } from "drizzle-orm";
import { loadConfig } from "../config/config";
import type { Env } from "../config/env";
import { workerDatabase } from "../db/worker-database";

/**
 * API requests a tenant's limiter has admitted and not yet written to Postgres, per UTC day, and
 * the flush in flight (its id makes a resent flush count nothing).
 */
export interface MeterState {
  tenantId: string;
  pending: Record<string, number>;
  inflight?: Flush;
  /** Usage reports written but not yet on the billing queue (its send failed): sent first next time. */
  unsent?: string[];
}

export interface Flush {
  id: string;
  day: string;
  count: number;
}

/** A meter event for Stripe, made by a flush of a tenant that has a Stripe customer. */
export interface UsageReport {
  reportId: string;
}

/** The UTC day of `now` as YYYY-MM-DD; a limiter asks on every decision, so the last day is kept. */
export function utcDay(now: number): string {
  if (now < lastDay.from || now >= lastDay.until) {
    const from = Math.floor(now / DAY_MS) * DAY_MS;
    lastDay = { from, until: from + DAY_MS, day: new Date(from).toISOString().slice(0, 10) };
  }
  return lastDay.day;
}
const DAY_MS = 86_400_000;
let lastDay = { from: 0, until: 0, day: "" };

/** Counts one admitted request (or takes back a refunded one). */
export function count(meter: MeterState, day: string, n: number): MeterState {
  const pending = { ...meter.pending, [day]: Math.max(0, (meter.pending[day] ?? 0) + n) };
  if (pending[day] === 0) delete pending[day];
  return { ...meter, pending };
}

/** The next flush to send: the one in flight again (same id), or the oldest pending day. */
export function nextFlush(meter: MeterState): { meter: MeterState; flush: Flush } | null {
  if (meter.inflight) return { meter, flush: meter.inflight };
  const [day] = Object.keys(meter.pending).sort();
  if (day === undefined) return null;
  const flush = { id: crypto.randomUUID(), day, count: meter.pending[day] ?? 0 };
  const pending = { ...meter.pending };
  delete pending[day];
  return { meter: { ...meter, pending, inflight: flush }, flush };
}

export const isIdle = (meter: MeterState | undefined) =>
  !meter || (!meter.inflight && Object.keys(meter.pending).length === 0 && !meter.unsent?.length);

/**
 * Writes one flush as the Worker's own identity (app.record_api_requests refuses any other) and
 * returns the Stripe report it made, if any.
 */
export async function sendFlush(env: Env, tenantId: string, flush: Flush): Promise<UsageReport | null> {
  const config = loadConfig(env);
  // The flush's id in the request id: a resent flush is told apart from a new one in the logs.
  const { database, requestId } = workerDatabase(config, "usage", flush.id);
  const { db } = database;
  const [, recorded] = await db.batch([
    db.execute(await database.begin({ kind: "worker", request_id: requestId })),
    db.execute<{ report_id: string }>(
      sql`select report_id from app.record_api_requests(${flush.id}::uuid, ${tenantId}::uuid, ${flush.day}::date, ${flush.count})`,
    ),
  ]);
  const [row] = recorded.rows;
  return row ? { reportId: row.report_id } : null;
}
