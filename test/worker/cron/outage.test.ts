import { describe, expect, inject, it, vi } from "vitest";
import type { FaultPlan } from "../../servers/database-fault-plan";
import { databaseNow, runCron, runsSince } from "../cron";
import { faultChannel } from "../database-faults";
import { signedIn } from "../factories";
import { sendAs, sqlAs } from "../harness";

const runMaintenanceVia = (endpoint: string) =>
  runCron("maintenance", { NEON_FETCH_ENDPOINT: endpoint, DATABASE_TIMEOUT_MS: "1000" });

async function runMaintenanceDuring(plan: FaultPlan) {
  const channel = await faultChannel(plan);
  await runMaintenanceVia(channel.endpoint);
}

/** Log lines written through console[level] while `work` runs. */
async function logged(level: "warn" | "error", work: () => Promise<unknown>) {
  const spy = vi.spyOn(console, level).mockImplementation(() => {});
  try {
    await work();
    return spy.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>);
  } finally {
    spy.mockRestore();
  }
}

/** The receipt as a tenant's admin reads it. */
async function receiptVia(runId: string | undefined) {
  const admin = await signedIn("admin");
  const response = await sendAs(admin, "GET", "/v1/maintenance/runs?job=maintenance&limit=100");
  expect(response.status).toBe(200);
  const body = (await response.json()) as { items: { id: string; completed: boolean; error: string | null }[] };
  return body.items.find((run) => run.id === runId);
}

describe("cron runs during a database outage", () => {
  it("a run that cannot reach the database writes nothing, logs its code, and the next run carries on", async () => {
    const since = await databaseNow();
    const lines = await logged("warn", () => runMaintenanceVia(inject("refusedNeonEndpoint")));
    expect(lines).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining("cron not started"), code: "database_unavailable" }),
    );
    expect(await runsSince(since, "maintenance")).toEqual([]);
    await runCron("maintenance");
    expect(await runsSince(since, "maintenance")).toEqual([expect.objectContaining({ completed: true, error: null })]);
  });

  it("an outage mid-run is recorded as failed with its code, and the next run carries on", async () => {
    const since = await databaseNow();
    // The run starts, its first statement meets the outage, its receipt is written again.
    await runMaintenanceDuring({ next: ["pass", "reset"], otherwise: "pass" });
    const [failed] = await runsSince(since, "maintenance");
    expect(failed).toMatchObject({
      completed: false,
      error: "database_unavailable: The database could not be reached.",
    });
    expect(await receiptVia(failed?.id)).toMatchObject({ completed: false, error: failed?.error });
    await runCron("maintenance");
    expect((await runsSince(since, "maintenance")).at(-1)).toMatchObject({ completed: true, error: null });
  });

  it("when not even the receipt can be written, the lease runs out and the next run closes the receipt as abandoned", async () => {
    const since = await databaseNow();
    const lines = await logged("warn", () => runMaintenanceDuring({ next: ["pass"], otherwise: "reset" }));
    expect(lines).toContainEqual(expect.objectContaining({ message: "cron receipt could not be written" }));
    const [open] = await runsSince(since, "maintenance");
    expect(open).toMatchObject({ completed: false, error: null });
    // Its lease is bounded (the run's budget plus a minute), not held forever: here, it ran out.
    await sqlAs("owner").query(
      "UPDATE maintenance_leases SET expires_at = now() - interval '1 second' WHERE job = 'maintenance'",
    );
    await runCron("maintenance");
    const [abandoned, next] = await runsSince(since, "maintenance");
    expect(abandoned).toMatchObject({
      id: open?.id,
      completed: false,
      error: "abandoned: The run stopped before it could record its outcome.",
    });
    expect(next).toMatchObject({ completed: true, error: null });
  });

  it("a failing statement leaves a code and a sentence in the receipt: no SQL text, no parameters", async () => {
    const since = await databaseNow();
    const lines = await logged("error", () =>
      expect(
        runMaintenanceDuring({ next: ["pass", "postgres_error"], sqlstate: "42P01", otherwise: "pass" }),
      ).rejects.toThrow(),
    );
    const [failed] = await runsSince(since, "maintenance");
    expect(failed).toMatchObject({
      completed: false,
      error: "database_error: A statement failed with SQLSTATE 42P01.",
    });
    const seen = await receiptVia(failed?.id);
    expect(seen?.error).toBe(failed?.error);
    expect(seen?.error).not.toMatch(/select|scrape_jobs|failed query|params/i);
    // The log has the statement for the operators, but not its parameters.
    const failure = lines.find((line) => line.message === "cron failed");
    expect(failure).toMatchObject({ receipt: failed?.error, error_message: expect.stringContaining("scrape_jobs") });
    expect(JSON.stringify(failure)).not.toContain("params:");
    expect(JSON.stringify(failure)).toContain('"query_params":');
  });
});
