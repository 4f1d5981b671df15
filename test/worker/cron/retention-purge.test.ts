import { describe, expect, it } from "vitest";
import { databaseNow, runCron, runsSince } from "../cron";
import { signedIn } from "../factories";
import { sendAs, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;
const owner = () => sqlAs("owner");

/** Rows of every class, some past the tenant's periods and some not, written with back-dated times. */
async function seed(member: Member, ages: { deleted: number; results: number; audit: number }) {
  const sql = owner();
  const tenant = member.tenant.id;
  const [company] = (await sql.query("INSERT INTO companies (tenant_id, name) VALUES ($1, 'Live Ltd') RETURNING id", [
    tenant,
  ])) as { id: string }[];
  const ids = (await sql.query(
    `INSERT INTO companies (tenant_id, name, deleted_at) VALUES
       ($1, 'Deleted long ago', now() - make_interval(days => $2)),
       ($1, 'Deleted lately', now() - interval '1 day')
     RETURNING id, name`,
    [tenant, ages.deleted],
  )) as { id: string; name: string }[];
  await sql.query(
    `INSERT INTO contacts (tenant_id, company_id, name, lawful_basis, deleted_at) VALUES
       ($1, $2, 'Old Contact', 'consent', now() - make_interval(days => $3)),
       ($1, $2, 'Recent Contact', 'consent', now() - interval '1 day'),
       ($1, $2, 'Live Contact', 'consent', NULL)`,
    [tenant, company?.id, ages.deleted],
  );
  const [job] = (await sql.query(
    `INSERT INTO scrape_jobs (tenant_id, company_id, url, status, finished_at)
     VALUES ($1, $2, 'https://x.example', 'succeeded', now() - interval '1 day') RETURNING id`,
    [tenant, company?.id],
  )) as { id: string }[];
  await sql.query(
    `INSERT INTO company_signals (tenant_id, company_id, job_id, kind, name, data, source_url, fetched_at) VALUES
       ($1, $2, $3, 'web_profile', 'old', '{}', 'https://x.example', now() - make_interval(days => $4)),
       ($1, $2, $3, 'web_profile', 'new', '{}', 'https://x.example', now())`,
    [tenant, company?.id, job?.id, ages.results],
  );
  await sql.query(
    `INSERT INTO audit_log (tenant_id, action, created_at) VALUES
       ($1, 'seed.old', now() - make_interval(days => $2)), ($1, 'seed.recent', now() - interval '300 days')`,
    [tenant, ages.audit],
  );
  return { company: company?.id, deleted: ids };
}

async function remaining(member: Member) {
  const sql = owner();
  const tenant = member.tenant.id;
  const names = async (query: string) =>
    ((await sql.query(query, [tenant])) as { name: string }[]).map((row) => row.name).sort();
  return {
    companies: await names("SELECT name FROM companies WHERE tenant_id = $1"),
    contacts: await names("SELECT name FROM contacts WHERE tenant_id = $1"),
    signals: await names("SELECT name FROM company_signals WHERE tenant_id = $1"),
    audit: await names("SELECT action AS name FROM audit_log WHERE tenant_id = $1 AND action LIKE 'seed.%'"),
  };
}

const KEPT = {
  companies: ["Deleted lately", "Live Ltd"],
  contacts: ["Live Contact", "Recent Contact"],
  signals: ["new"],
  audit: ["seed.recent"],
};

describe("retention purge cron", () => {
  it("deletes exactly what is past each tenant's own periods, and receipts each tenant's figures", async () => {
    const since = await databaseNow();
    // Defaults: 30 days for deleted records, 90 for scrape results, 400 for the audit log.
    const a = await signedIn("admin");
    await seed(a, { deleted: 31, results: 91, audit: 401 });
    // B keeps deleted records for 60 days and its audit log for 730: the same ages are not due.
    const b = await signedIn("admin");
    const set = await sendAs(b, "PUT", "/v1/privacy/retention", { deleted_records_days: 60, audit_log_days: 730 });
    expect(set.status).toBe(200);
    await seed(b, { deleted: 31, results: 91, audit: 401 });

    await runCron("retentionPurge");

    expect(await remaining(a)).toEqual(KEPT);
    expect(await remaining(b)).toEqual({
      companies: ["Deleted lately", "Deleted long ago", "Live Ltd"],
      contacts: ["Live Contact", "Old Contact", "Recent Contact"],
      signals: ["new"],
      audit: ["seed.old", "seed.recent"],
    });
    const [run] = await runsSince(since);
    expect(run).toMatchObject({ completed: true, error: null });

    const receipts = (await (await sendAs(a, "GET", "/v1/maintenance/runs?job=retention_purge")).json()) as {
      items: { id: string; completed: boolean; rows: Record<string, number> }[];
    };
    expect(receipts.items.find((r) => r.id === run?.id)).toMatchObject({
      completed: true,
      rows: { deleted_companies: 1, deleted_contacts: 1, scrape_results: 1, audit_log: 1 },
    });
    const theirs = (await (await sendAs(b, "GET", "/v1/maintenance/runs?job=retention_purge")).json()) as {
      items: { id: string; rows: Record<string, number> }[];
    };
    // B sees the run, with only its own figures.
    expect(theirs.items.find((r) => r.id === run?.id)?.rows).toEqual({ scrape_results: 1 });
  });

  it("purges events past the tenant's events_days (default 30), their webhook deliveries with them", async () => {
    const a = await signedIn("admin");
    const b = await signedIn("admin");
    expect((await sendAs(b, "PUT", "/v1/privacy/retention", { events_days: 60 })).status).toBe(200);
    const sql = owner();
    for (const member of [a, b]) {
      const [endpoint] = (await sql.query(
        `INSERT INTO webhook_endpoints (id, tenant_id, url, enabled_events, secret, enabled)
         VALUES (gen_random_uuid(), $1, 'https://hooks.example.com/old', '{*}', 'v1:x:x', false) RETURNING id`,
        [member.tenant.id],
      )) as { id: string }[];
      const events = (await sql.query(
        `INSERT INTO events (tenant_id, type, resource_type, data, created_at) VALUES
           ($1, 'company.created', 'company', '{"age": "old"}', now() - interval '31 days'),
           ($1, 'company.created', 'company', '{"age": "new"}', now() - interval '1 day')
         RETURNING id`,
        [member.tenant.id],
      )) as { id: string }[];
      for (const event of events) {
        await sql.query(
          "INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, status) VALUES ($1, $2, $3, 'succeeded')",
          [member.tenant.id, endpoint?.id, event.id],
        );
      }
    }
    await runCron("retentionPurge");
    const ages = async (member: Member) =>
      (
        (await sql.query("SELECT data->>'age' AS age FROM events WHERE tenant_id = $1 AND data ? 'age' ORDER BY 1", [
          member.tenant.id,
        ])) as { age: string }[]
      ).map((row) => row.age);
    expect(await ages(a)).toEqual(["new"]);
    expect(await ages(b)).toEqual(["new", "old"]);
    const [left] = (await sql.query("SELECT count(*)::int AS n FROM webhook_deliveries WHERE tenant_id = $1", [
      a.tenant.id,
    ])) as { n: number }[];
    expect(left).toEqual({ n: 1 });
  });

  it("stops at its statement budget, says so, and the next runs finish the job", async () => {
    const since = await databaseNow();
    const a = await signedIn("admin");
    for (let i = 0; i < 3; i++) await seed(a, { deleted: 45, results: 100, audit: 500 });
    // One row per statement, thirteen statements per run (a run with nothing left to do needs one
    // per data class, the tenant purge's, the two security-event steps' and the usage reports'): a
    // run can look at every class once more than it has rows, so three tenants' worth of rows take
    // several runs.
    const budget = { RETENTION_BATCH_SIZE: "1", CRON_MAX_STATEMENTS: "13" };
    await runCron("retentionPurge", budget);
    const [first] = await runsSince(since);
    expect(first).toMatchObject({ completed: false, statements: 13 });
    for (let i = 0; i < 30 && !(await runsSince(since)).at(-1)?.completed; i++) {
      await runCron("retentionPurge", budget);
    }
    expect((await runsSince(since)).at(-1)?.completed).toBe(true);
    const left = await remaining(a);
    expect(left.companies.filter((n) => n === "Deleted long ago")).toEqual([]);
    expect(left.audit).toEqual(["seed.recent", "seed.recent", "seed.recent"]);
  });

  it("deletes usage reports past USAGE_REPORTS_RETENTION_DAYS, whatever the tenant, and keeps younger ones", async () => {
    const a = await signedIn("admin");
    const reports = (await owner().query(
      `INSERT INTO usage_reports (id, tenant_id, metric, day, value, created_at) VALUES
         (gen_random_uuid(), $1, 'api_requests', current_date - 401, 5, now() - interval '401 days'),
         (gen_random_uuid(), $1, 'api_requests', current_date - 60, 6, now() - interval '60 days')
       RETURNING id, value::int`,
      [a.tenant.id],
    )) as { id: string; value: number }[];
    await runCron("retentionPurge");
    const left = async () =>
      (await owner().query("SELECT value::int FROM usage_reports WHERE id = any($1) ORDER BY value", [
        reports.map((r) => r.id),
      ])) as { value: number }[];
    expect(await left()).toEqual([{ value: 6 }]);
    await runCron("retentionPurge", { USAGE_REPORTS_RETENTION_DAYS: "45" });
    expect(await left()).toEqual([]);
  });

  it("lets overlapping runs take turns: a run that finds the lease held purges nothing and says why", async () => {
    const since = await databaseNow();
    const a = await signedIn("admin");
    await seed(a, { deleted: 31, results: 91, audit: 401 });
    await owner().query(
      `INSERT INTO maintenance_leases (job, holder, expires_at) VALUES ('retention_purge', gen_random_uuid(), now() + interval '1 minute')
       ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
    );
    await runCron("retentionPurge");
    expect((await remaining(a)).audit).toEqual(["seed.old", "seed.recent"]);
    expect(await runsSince(since)).toEqual([
      expect.objectContaining({ completed: false, error: "skipped: another run of this job holds the lease" }),
    ]);
    await owner().query("DELETE FROM maintenance_leases WHERE job = 'retention_purge'");

    // Two at once: whatever the interleaving, nothing is purged twice and the work gets done.
    await Promise.all([runCron("retentionPurge"), runCron("retentionPurge")]);
    expect(await remaining(a)).toEqual(KEPT);
    const counted = (await owner().query(
      `SELECT coalesce(sum(k.rows), 0)::int AS n FROM maintenance_run_counts k JOIN maintenance_runs r ON r.id = k.run_id
        WHERE k.tenant_id = $1 AND k.data_class = 'audit_log' AND r.started_at >= $2`,
      [a.tenant.id, since],
    )) as { n: number }[];
    expect(counted).toEqual([{ n: 1 }]);
  });
});
