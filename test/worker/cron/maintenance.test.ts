import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CRON_SCHEDULES } from "../../../src/cron/schedules";
import worker from "../../../src/index";
import { signedIn } from "../factories";
import { sqlAs } from "../harness";
import { jobState, queuedJob } from "../scrape";

async function runMaintenance() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: CRON_SCHEDULES.maintenance }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function settled(jobId: string) {
  for (let i = 0; i < 100; i++) {
    const state = await jobState(jobId);
    if (state.status !== "queued" && state.status !== "running") return state;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return jobState(jobId);
}

describe("maintenance cron: scrape jobs", () => {
  it("requeues a job whose consumer died (lease run out) and one whose message was lost; both then finish", async () => {
    const editor = await signedIn("editor");
    const stuck = await queuedJob(editor, "via-queue");
    const forgotten = await queuedJob(editor, "via-queue");
    const live = await queuedJob(editor, "via-queue");
    const owner = sqlAs("owner");
    await owner.query(
      "UPDATE scrape_jobs SET status = 'running', attempts = 1, lease_id = gen_random_uuid(), lease_expires_at = now() - interval '1 minute' WHERE id = $1",
      [stuck.jobId],
    );
    // Aged by hand: the updated_at trigger is off for this transaction.
    await owner.transaction([
      owner.query("SET LOCAL session_replication_role = replica"),
      owner.query("UPDATE scrape_jobs SET updated_at = now() - interval '1 hour' WHERE id = $1", [forgotten.jobId]),
    ]);
    // Held by a live lease: left alone.
    await owner.query(
      "UPDATE scrape_jobs SET status = 'running', lease_id = gen_random_uuid(), lease_expires_at = now() + interval '5 minutes' WHERE id = $1",
      [live.jobId],
    );

    await runMaintenance();

    expect((await settled(stuck.jobId)).status).toBe("succeeded");
    expect((await settled(forgotten.jobId)).status).toBe("succeeded");
    expect(await jobState(live.jobId)).toMatchObject({ status: "running" });
  });
});
