import { describe, expect, it } from "vitest";
import { LEASE_SECONDS } from "../../../src/jobs/scrape/consumer";
import type { FaultPlan } from "../../servers/database-fault-plan";
import { faultChannel } from "../database-faults";
import { signedIn } from "../factories";
import { sqlAs } from "../harness";
import { deliver, jobState, queuedJob } from "../scrape";

/** Delivers a job's message with the consumer's database behind a fault channel. */
async function deliverDuring(plan: FaultPlan, site = "robots-404") {
  const editor = await signedIn("editor");
  const { jobId } = await queuedJob(editor, site);
  const channel = await faultChannel(plan);
  const result = await deliver([jobId], {
    env: { NEON_FETCH_ENDPOINT: channel.endpoint, DATABASE_TIMEOUT_MS: "1000" },
  });
  return { jobId, result };
}

describe("scrape consumer during a database outage", () => {
  it("retries the message with backoff when the claim cannot reach the database; the job is untouched", async () => {
    const { jobId, result } = await deliverDuring({ otherwise: "reset" });
    expect(result.explicitAcks).toHaveLength(0);
    expect(result.retryDelays).toEqual([30]);
    expect(await jobState(jobId)).toMatchObject({ status: "queued", attempts: 0, failure_reason: null });
    // Once the database is back, the retry does the work.
    await deliver([jobId], { attempts: 2 });
    expect(await jobState(jobId)).toMatchObject({ status: "succeeded", attempts: 1, failure_reason: null });
  });

  it("after the claim, an outage sets the job back uncharged and unfailed, and the retry finishes it", async () => {
    // Claim passes; storing the result meets the outage; the set-back reaches the database again.
    const { jobId, result } = await deliverDuring({ next: ["pass", "reset"], otherwise: "pass" });
    expect(result.explicitAcks).toHaveLength(0);
    expect(result.retryDelays).toEqual([30]);
    expect(await jobState(jobId)).toMatchObject({
      status: "queued",
      attempts: 0,
      failure_reason: null,
      failure_detail: null,
      lease_id: null,
    });
    await deliver([jobId], { attempts: 2 });
    expect(await jobState(jobId)).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("a permanent site failure met by an outage is not recorded; the retry records it", async () => {
    const { jobId, result } = await deliverDuring({ next: ["pass", "reset"], otherwise: "pass" }, "not-html");
    expect(result.retryDelays).toEqual([30]);
    expect(await jobState(jobId)).toMatchObject({ status: "queued", attempts: 0, failure_reason: null });
    await deliver([jobId], { attempts: 2 });
    expect(await jobState(jobId)).toMatchObject({ status: "failed", attempts: 1, failure_reason: "not_html" });
  });

  it("if the database stays down, the job keeps its lease and the retry comes after the lease has run out", async () => {
    const { jobId, result } = await deliverDuring({ next: ["pass"], otherwise: "reset" });
    expect(result.explicitAcks).toHaveLength(0);
    expect(result.retryDelays).toEqual([LEASE_SECONDS]);
    expect(await jobState(jobId)).toMatchObject({ status: "running", failure_reason: null });
    // By the time the message comes again, the lease has run out: the redelivery claims the job.
    await sqlAs("owner").query("UPDATE scrape_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [
      jobId,
    ]);
    await deliver([jobId], { attempts: 2 });
    expect(await jobState(jobId)).toMatchObject({ status: "succeeded", failure_reason: null, lease_id: null });
  });

  it("a database that never answers ends the consumer's round trip at its deadline", { timeout: 10_000 }, async () => {
    const { jobId, result } = await deliverDuring({ otherwise: "hang" });
    expect(result.retryDelays).toEqual([30]);
    expect(await jobState(jobId)).toMatchObject({ status: "queued", attempts: 0 });
  });
});
