import { describe, expect, it } from "vitest";
import { runCron } from "../cron";
import { createOperatorKey, signedIn } from "../factories";
import { call, sqlAs } from "../harness";
import { deliver, hitsOf, jobState, queuedJob } from "../scrape";

const post = (headers: Record<string, string>, body: unknown) => ({
  method: "POST",
  headers,
  body: JSON.stringify(body),
});

describe("a suspended tenant's background work", () => {
  it("its scrape jobs wait: the consumer does not claim them and loses nothing; lifting the suspension sends them again", async () => {
    const operator = await createOperatorKey();
    const editor = await signedIn("editor");
    const { jobId } = await queuedJob(editor, "basic");
    const hitsBefore = (await hitsOf("basic")).length;
    expect(
      (await call(`/internal/tenants/${editor.tenant.id}/suspend`, post(operator.headers, { reason: "fraud check" })))
        .status,
    ).toBe(200);

    const result = await deliver([jobId]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(await jobState(jobId)).toMatchObject({ status: "queued", attempts: 0, lease_id: null });
    expect((await hitsOf("basic")).length).toBe(hitsBefore);

    // The maintenance cron would send a forgotten job again: not while its tenant is suspended.
    await sqlAs("owner").transaction([
      sqlAs("owner").query("SET LOCAL session_replication_role = replica"),
      sqlAs("owner").query("UPDATE scrape_jobs SET updated_at = now() - interval '1 hour' WHERE id = $1", [jobId]),
    ]);
    await runCron("maintenance");
    const [aged] = await sqlAs("owner").query(
      "SELECT updated_at < now() - interval '30 minutes' AS aged FROM scrape_jobs WHERE id = $1",
      [jobId],
    );
    expect(aged).toEqual({ aged: true });

    const lifted = await call(
      `/internal/tenants/${editor.tenant.id}/unsuspend`,
      post(operator.headers, { reason: "cleared" }),
    );
    expect(lifted.status).toBe(200);
    // Sent again: delivered now, it is claimed and done.
    await deliver([jobId]);
    expect((await jobState(jobId)).status).toBe("succeeded");
  });
});
