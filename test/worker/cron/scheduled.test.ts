import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { CRON_SCHEDULES, cronJobFor } from "../../../src/cron/schedules";
import worker from "../../../src/index";

describe("scheduled()", () => {
  it("maps each configured cron to its job", () => {
    expect(cronJobFor(CRON_SCHEDULES.retentionPurge)).toBe("retentionPurge");
    expect(cronJobFor(CRON_SCHEDULES.maintenance)).toBe("maintenance");
    expect(cronJobFor("0 0 1 1 *")).toBeUndefined();
  });

  it.each(Object.entries(CRON_SCHEDULES))(
    "runs the %s job for its cron and logs start and finish",
    async (job, cron) => {
      const log = vi.spyOn(console, "log").mockImplementation(() => {});
      const controller = createScheduledController({ cron, scheduledTime: Date.UTC(2026, 10, 23, 3, 17) });
      const ctx = createExecutionContext();
      await worker.scheduled(controller, env, ctx);
      await waitOnExecutionContext(ctx);
      const lines = log.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ message: "cron finished", job, cron }));
      log.mockRestore();
    },
  );

  it("logs an error for a cron with no handler", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    await worker.scheduled(createScheduledController({ cron: "0 0 1 1 *" }), env, createExecutionContext());
    const lines = error.mock.calls.map((args) => String(args[0]));
    expect(lines.some((line) => line.includes("no handler for cron schedule"))).toBe(true);
    error.mockRestore();
  });
});
