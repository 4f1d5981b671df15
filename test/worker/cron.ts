import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Env } from "../../src/config/env";
import { CRON_SCHEDULES } from "../../src/cron/schedules";
import worker from "../../src/index";
import { sqlAs } from "./harness";

/** Runs one cron job through the Worker's scheduled() handler, with optional env overrides. */
export async function runCron(job: keyof typeof CRON_SCHEDULES, overrides: Partial<Env> = {}): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: CRON_SCHEDULES[job] }), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
}

export interface RunReceipt {
  id: string;
  job: string;
  completed: boolean;
  error: string | null;
  statements: number;
}

/** The receipts of runs started since `since` (as the owner: every run). */
export async function runsSince(since: string, job = "retention_purge"): Promise<RunReceipt[]> {
  return (await sqlAs("owner").query(
    "SELECT id, job, completed, error, statements FROM maintenance_runs WHERE job = $1 AND started_at >= $2 ORDER BY started_at",
    [job, since],
  )) as RunReceipt[];
}

/** The database's clock (runs are stamped with it). */
export async function databaseNow(): Promise<string> {
  const [row] = (await sqlAs("owner").query("SELECT now()::text AS now")) as { now: string }[];
  if (!row) throw new Error("no clock");
  return row.now;
}
