import { describe, expect, it } from "vitest";
import { runCron } from "../cron";
import { createOperatorKey, signedIn } from "../factories";
import { sendAs, sqlAs } from "../harness";
import { deliver, hitsOf, jobState, queuedJob } from "../scrape";

/** Ages a job as if its message were lost an hour ago (without touching updated_at's trigger). */
async function age(jobId: string) {
  await sqlAs("owner").transaction([
    sqlAs("owner").query("SET LOCAL session_replication_role = replica"),
    sqlAs("owner").query("UPDATE scrape_jobs SET updated_at = now() - interval '1 hour' WHERE id = $1", [jobId]),
  ]);
}

const updatedLongAgo = async (jobId: string) =>
  (
    await sqlAs("owner").query(
      "SELECT updated_at < now() - interval '30 minutes' AS aged FROM scrape_jobs WHERE id = $1",
      [jobId],
    )
  )[0]?.aged;

describe("background work of a module the tenant lost", () => {
  it("scrape jobs wait, queued: the consumer does not claim them, the cron leaves them; regaining the module runs them", async () => {
    const operator = await createOperatorKey();
    const editor = await signedIn("editor");
    const { jobId } = await queuedJob(editor, "basic");
    const hitsBefore = (await hitsOf("basic")).length;
    const path = `/internal/tenants/${editor.tenant.id}/modules/web_scrape`;
    expect((await sendAs(operator, "PUT", path, { enabled: false, reason: "downgrade" })).status).toBe(200);

    const result = await deliver([jobId]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(await jobState(jobId)).toMatchObject({ status: "queued", attempts: 0, lease_id: null });
    expect((await hitsOf("basic")).length).toBe(hitsBefore);

    // A forgotten job is not sent again while the module is off...
    await age(jobId);
    await runCron("maintenance");
    expect(await updatedLongAgo(jobId)).toBe(true);

    // ...and is once the tenant has it again: the cron requeues it, the consumer runs it.
    expect((await sendAs(operator, "PUT", path, { enabled: true, reason: "upgrade" })).status).toBe(200);
    await runCron("maintenance");
    expect(await updatedLongAgo(jobId)).toBe(false);
    await deliver([jobId]);
    expect((await jobState(jobId)).status).toBe("succeeded");
  });
});
