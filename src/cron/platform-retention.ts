import { sql } from "drizzle-orm";
import type { Config } from "../config/config";
import { securityEvents } from "../db/schema/security-events";
import { usageReports } from "../db/schema/usage";
import type { MaintenanceRun } from "./run";

export type PlatformRetention = Pick<
  Config,
  "SECURITY_EVENTS_ADDRESS_RETENTION_DAYS" | "SECURITY_EVENTS_RETENTION_DAYS" | "USAGE_REPORTS_RETENTION_DAYS"
>;

const id = (column: { name: string }) => sql.identifier(column.name);

/**
 * What the platform's settings keep, not a tenant's: security events keep client addresses only
 * SECURITY_EVENTS_ADDRESS_RETENTION_DAYS (then the address is cleared, the counts stay) and the
 * events themselves SECURITY_EVENTS_RETENTION_DAYS; usage reports go after
 * USAGE_REPORTS_RETENTION_DAYS (the invoices that billed them stay, in Stripe and in `invoices`).
 * In batches, like every purge; false when the run is out of time (the next one carries on).
 */
export async function purgePlatformRetention(
  run: MaintenanceRun,
  batchSize: number,
  config: PlatformRetention,
  totals: Record<string, number>,
): Promise<boolean> {
  const { address, lastSeenAt } = securityEvents;
  const steps = [
    {
      name: "security_event_addresses",
      statement: sql`with doomed as (
          select ${securityEvents.id} from ${securityEvents}
           where ${address} is not null
             and ${lastSeenAt} < now() - make_interval(days => ${config.SECURITY_EVENTS_ADDRESS_RETENTION_DAYS})
           limit ${batchSize})
        update ${securityEvents} s set ${id(address)} = null from doomed
         where s.${id(securityEvents.id)} = doomed.${id(securityEvents.id)} returning 1 as n`,
    },
    {
      name: "security_events",
      statement: sql`with doomed as (
          select ${securityEvents.id} from ${securityEvents}
           where ${lastSeenAt} < now() - make_interval(days => ${config.SECURITY_EVENTS_RETENTION_DAYS})
           limit ${batchSize})
        delete from ${securityEvents} s using doomed
         where s.${id(securityEvents.id)} = doomed.${id(securityEvents.id)} returning 1 as n`,
    },
    {
      name: "usage_reports",
      statement: sql`with doomed as (
          select ${usageReports.id} from ${usageReports}
           where ${usageReports.createdAt} < now() - make_interval(days => ${config.USAGE_REPORTS_RETENTION_DAYS})
           order by ${usageReports.createdAt}
           limit ${batchSize})
        delete from ${usageReports} r using doomed
         where r.${id(usageReports.id)} = doomed.${id(usageReports.id)} returning 1 as n`,
    },
  ];
  for (const step of steps) {
    for (;;) {
      if (!run.hasTime()) return false;
      const rows = await run.execute<{ n: number }>(step.statement);
      totals[step.name] = (totals[step.name] ?? 0) + rows.length;
      if (rows.length < batchSize) break;
    }
  }
  return true;
}
