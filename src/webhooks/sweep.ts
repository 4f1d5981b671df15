import { sql } from "drizzle-orm";
import type { Env } from "../config/env";
import type { MaintenanceRun } from "../cron/run";
import type { Logger } from "../observability/logger";
import { sendDeliveries } from "./outbox";

/** A due delivery untouched this long has lost its queue message (or never got one). */
const OVERDUE_AFTER = "1 minute";
const PER_STATEMENT = 500;

/**
 * The outbox sweep (maintenance cron): pending deliveries past their time, not held by a live
 * lease, of enabled endpoints of live, unsuspended tenants, are sent to the queue again. A duplicate message
 * is harmless: the consumer's claim lets one through. Nothing is updated here, so a failed send
 * leaves them for the next run.
 */
export async function sweepWebhookOutbox(env: Env, run: MaintenanceRun, logger: Logger): Promise<number> {
  let total = 0;
  let after = "-infinity";
  while (run.hasTime()) {
    const { n, ids } = await run.countWithIds(
      "webhook_deliveries_requeued",
      sql`due as (
        select d.id, d.tenant_id, d.next_attempt_at from webhook_deliveries d
          join webhook_endpoints e on e.id = d.endpoint_id and e.enabled
          -- A suspended tenant's deliveries wait in Postgres; this sends them once it is lifted.
          join tenants t on t.id = d.tenant_id and t.deleted_at is null and t.suspended_at is null
           -- So do those of a tenant without the webhooks module, until it has it again.
           and app.tenant_has_module(t.id, 'webhooks')
         where d.status = 'pending' and d.next_attempt_at < now() - ${OVERDUE_AFTER}::interval
           and d.next_attempt_at >= ${after}::timestamptz
           and (d.lease_expires_at is null or d.lease_expires_at < now())
         order by d.next_attempt_at
         limit ${PER_STATEMENT}
      ), changed as (select tenant_id, count(*)::int as n from due group by tenant_id)`,
      "due",
    );
    await sendDeliveries(env, ids, logger);
    total += n;
    if (n < PER_STATEMENT) break;
    const [row] = await run.execute<{ at: string }>(sql`select max(next_attempt_at)::text as at from webhook_deliveries
      where id = any(${`{${ids.join(",")}}`}::uuid[])`);
    after = row?.at ?? after;
  }
  if (total > 0) logger.info("webhook deliveries sent again by the outbox sweep", { deliveries: total });
  return total;
}
