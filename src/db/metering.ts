import { type SQL, sql } from "drizzle-orm";
import type { Metric } from "./schema/plans";

/**
 * Counts `amount` of `metric` for the request's tenant against its plan's monthly quota, in the
 * statement that runs it (app.meter). Put it in the action's own batch: over the quota it raises
 * DT402 (402 `quota_exceeded`) and the whole batch, the action included, rolls back.
 */
export function meter(metric: Exclude<Metric, "api_requests">, amount: number): SQL {
  return sql`select app.meter(${metric}, ${amount})`;
}
