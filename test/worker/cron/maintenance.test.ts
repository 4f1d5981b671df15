import { describe, expect, it } from "vitest";
import { runCron } from "../cron";
import { requestExport, settledExport } from "../exports";
import { signedIn } from "../factories";
import { sendAs, sqlAs } from "../harness";
import { jobState, queuedJob } from "../scrape";

const runMaintenance = () => runCron("maintenance");

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
    const waiting = await queuedJob(editor, "via-queue");
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
    // Set back by a consumer, its message due in an hour (the site's Retry-After): left alone.
    await owner.transaction([
      owner.query("SET LOCAL session_replication_role = replica"),
      owner.query(
        "UPDATE scrape_jobs SET updated_at = now() - interval '1 hour', retry_at = now() + interval '1 hour' WHERE id = $1",
        [waiting.jobId],
      ),
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
    expect(await jobState(waiting.jobId)).toMatchObject({ status: "queued" });
  });

  it("requeues an export whose message was lost and one whose consumer died; both then finish", async () => {
    const editor = await signedIn("editor");
    expect((await sendAs(editor, "POST", "/v1/companies", { name: "Requeued Export Ltd" })).status).toBe(201);
    const [forgotten, stuck] = [
      await requestExport(editor, { format: "csv" }),
      await requestExport(editor, { format: "csv" }),
    ];
    const owner = sqlAs("owner");
    await owner.transaction([
      owner.query("SET LOCAL session_replication_role = replica"),
      owner.query("UPDATE export_jobs SET updated_at = now() - interval '1 hour' WHERE id = $1", [forgotten.id]),
    ]);
    await owner.query(
      "UPDATE export_jobs SET status = 'running', attempts = 1, lease_id = gen_random_uuid(), lease_expires_at = now() - interval '1 minute' WHERE id = $1",
      [stuck.id],
    );
    await runMaintenance();
    expect(await settledExport(editor, forgotten.id)).toMatchObject({ status: "succeeded", rows_written: 1 });
    expect(await settledExport(editor, stuck.id)).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("revokes API keys past their expiry and forgets expired idempotency keys, with a receipt", async () => {
    const admin = await signedIn("admin");
    const owner = sqlAs("owner");
    const [key] = (await owner.query(
      `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, role, expires_at)
       VALUES ($1, 'old', 'dtk_old', $2, 'viewer', now() - interval '1 day') RETURNING id`,
      [admin.tenant.id, crypto.randomUUID().replace(/-/g, "").repeat(2)],
    )) as { id: string }[];
    await owner.query(
      "INSERT INTO idempotency_keys (tenant_id, key, request_hash, expires_at) VALUES ($1, 'gone', 'x', now() - interval '1 hour'), ($1, 'kept', 'x', now() + interval '1 hour')",
      [admin.tenant.id],
    );
    await runMaintenance();
    const [revoked] = (await owner.query("SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE id = $1", [
      key?.id,
    ])) as { revoked: boolean }[];
    expect(revoked).toEqual({ revoked: true });
    const keys = await owner.query("SELECT key FROM idempotency_keys WHERE tenant_id = $1 ORDER BY key", [
      admin.tenant.id,
    ]);
    expect(keys).toEqual([{ key: "kept" }]);
    const runs = (await (await sendAs(admin, "GET", "/v1/maintenance/runs?job=maintenance&limit=5")).json()) as {
      items: { completed: boolean; rows: Record<string, number> }[];
    };
    expect(runs.items.find((run) => run.rows.api_keys_expired === 1)).toMatchObject({
      completed: true,
      rows: { api_keys_expired: 1, idempotency_keys: 1 },
    });
  });
});
