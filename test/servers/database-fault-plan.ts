// What tests tell the database fault proxy (no Node imports: tests in workerd use these types).

/**
 * What the proxy does with one round trip:
 * - `pass`: forwards it to the local Neon server and relays the answer;
 * - `reset`: drops the connection before forwarding (Postgres never sees the request);
 * - `drop`: forwards it, waits for Postgres' whole answer (the transaction committed or rolled
 *   back), then drops the connection without answering;
 * - `hang`: keeps the connection open and never answers;
 * - `error`: answers as Neon's proxy does when the compute is down (HTTP 503);
 * - `postgres_error`: answers with a Postgres error of the plan's `sqlstate`, as Neon passes
 *   one on (HTTP 400 with the error's fields), without forwarding.
 */
export const FAULT_ACTIONS = ["pass", "reset", "drop", "hang", "error", "postgres_error"] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

/** A channel's plan: the next round trips' actions in order, then `otherwise` for the rest. */
export interface FaultPlan {
  next?: FaultAction[];
  otherwise: FaultAction;
  /** For `postgres_error`; 57P03 (the database system is starting up) when absent. */
  sqlstate?: string;
}
