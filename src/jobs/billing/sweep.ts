import { sql } from "drizzle-orm";
import type { Env } from "../../config/env";
import type { MaintenanceRun } from "../../cron/run";
import { usageReports } from "../../db/schema/usage";
import type { Logger } from "../../observability/logger";
import type { BillingMessage } from "./message";

/** A report its limiter queued is normally with Stripe within seconds; after this it has lost its message. */
const OVERDUE_AFTER = "1 hour";
/** Stripe refuses meter events older than 35 days: past that, sending again bills nothing. */
const STRIPE_ACCEPTS_FOR = "35 days";
/** While Stripe is refusing, a report goes back on the queue this often, not every run. */
const REQUEUE_EVERY = "6 hours";
const PER_STATEMENT = 500;
/** Queues.sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;

/**
 * The billing queue has no dead-letter queue: a report whose message ran out of retries, or was
 * never sent (the limiter's send failed), is found here instead, by the maintenance cron, and put
 * back on the queue. A resend is harmless: the report id is the meter event's identifier, and the
 * consumer acknowledges a report already marked reported without calling Stripe. Marked first, so
 * a failed send waits REQUEUE_EVERY for the next try rather than being lost.
 */
export async function requeueUsageReports(env: Env, run: MaintenanceRun, logger: Logger): Promise<number> {
  const { id, createdAt, reportedAt, requeuedAt, stripeCustomerId } = usageReports;
  let total = 0;
  while (run.hasTime()) {
    const { n, ids } = await run.countWithIds(
      "usage_reports_requeued",
      sql`overdue as (
        select ${id} from ${usageReports}
         where ${reportedAt} is null and ${stripeCustomerId} is not null
           and ${createdAt} < now() - ${OVERDUE_AFTER}::interval
           and ${createdAt} > now() - ${STRIPE_ACCEPTS_FOR}::interval
           and (${requeuedAt} is null or ${requeuedAt} < now() - ${REQUEUE_EVERY}::interval)
         order by ${createdAt}
         limit ${PER_STATEMENT}
         for update skip locked
      ), requeued as (
        update ${usageReports} r set ${sql.identifier(requeuedAt.name)} = now()
          from overdue where r.${sql.identifier(id.name)} = overdue.${sql.identifier(id.name)}
        returning r.${sql.identifier(id.name)} as id, r.tenant_id
      ), changed as (select tenant_id, count(*)::int as n from requeued group by tenant_id)`,
      "requeued",
    );
    for (let i = 0; i < ids.length; i += SEND_BATCH) {
      const messages = ids.slice(i, i + SEND_BATCH).map((reportId) => ({
        body: { kind: "usage_report", reportId } satisfies BillingMessage,
      }));
      await env.BILLING_QUEUE.sendBatch(messages);
    }
    total += n;
    if (n < PER_STATEMENT) break;
  }
  if (total > 0) logger.info("usage reports requeued", { reports: total });
  return total;
}
