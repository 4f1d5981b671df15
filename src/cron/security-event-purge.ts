import { sql } from "drizzle-orm";
import type { Config } from "../config/config";
import { securityEvents } from "../db/schema/security-events";
import type { MaintenanceRun } from "./run";

/**
 * Security events keep client addresses only SECURITY_EVENTS_ADDRESS_RETENTION_DAYS (then the
 * address is cleared, the counts stay), and the events themselves SECURITY_EVENTS_RETENTION_DAYS.
 * In batches, like every purge; false when the run is out of time (the next one carries on).
 */
export async function purgeSecurityEvents(
  run: MaintenanceRun,
  batchSize: number,
  config: Pick<Config, "SECURITY_EVENTS_ADDRESS_RETENTION_DAYS" | "SECURITY_EVENTS_RETENTION_DAYS">,
  totals: Record<string, number>,
): Promise<boolean> {
  const { id, address, lastSeenAt } = securityEvents;
  const steps = [
    {
      name: "security_event_addresses",
      statement: sql`with doomed as (
          select ${id} from ${securityEvents}
           where ${address} is not null
             and ${lastSeenAt} < now() - make_interval(days => ${config.SECURITY_EVENTS_ADDRESS_RETENTION_DAYS})
           limit ${batchSize})
        update ${securityEvents} s set ${sql.identifier(address.name)} = null from doomed
         where s.${sql.identifier(id.name)} = doomed.${sql.identifier(id.name)} returning 1 as n`,
    },
    {
      name: "security_events",
      statement: sql`with doomed as (
          select ${id} from ${securityEvents}
           where ${lastSeenAt} < now() - make_interval(days => ${config.SECURITY_EVENTS_RETENTION_DAYS})
           limit ${batchSize})
        delete from ${securityEvents} s using doomed
         where s.${sql.identifier(id.name)} = doomed.${sql.identifier(id.name)} returning 1 as n`,
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
