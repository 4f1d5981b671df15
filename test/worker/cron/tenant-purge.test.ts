import { describe, expect, inject, it } from "vitest";
import { DATA_CLASSES } from "../../../src/cron/retention-purge";
import { TENANT_TABLES } from "../../../src/cron/tenant-purge";
import { databaseNow, runCron, runsSince } from "../cron";
import { createApiKeyVia, signedIn } from "../factories";
import { call, sendAs, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;
const owner = () => sqlAs("owner");

/** Every table with a foreign key to tenants, read from the catalogue (new tables included). */
async function tenantTables(): Promise<string[]> {
  const rows = (await owner().query(
    `SELECT DISTINCT conrelid::regclass::text AS name FROM pg_constraint
      WHERE contype = 'f' AND confrelid = 'public.tenants'::regclass ORDER BY 1`,
  )) as { name: string }[];
  return rows.map((row) => row.name);
}

/** Rows the tenant holds, per table, counted as the database owner (no RLS). */
async function rowsOf(tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tenantTables()) {
    const [row] = (await owner().query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId])) as {
      n: number;
    }[];
    counts[table] = row?.n ?? 0;
  }
  const [tenant] = (await owner().query("SELECT count(*)::int AS n FROM tenants WHERE id = $1", [tenantId])) as {
    n: number;
  }[];
  counts.tenants = tenant?.n ?? 0;
  return counts;
}

/**
 * A tenant with something in every table: members, a key, companies, contacts (one erased), an
 * idempotency record, a scrape job with its page and signal, an import with its row, its own retention policy, figures
 * of an earlier maintenance run, a webhook endpoint, and the audit entries, events and webhook
 * deliveries all of that wrote.
 */
async function populated(deletedRecordsDays: number): Promise<Member> {
  const member = await signedIn("owner");
  await signedIn("admin", member.tenant);
  await signedIn("viewer", member.tenant);
  // Three members fill free's seats; on pro there is room for the open invitation.
  await owner().query("UPDATE tenants SET plan = 'pro' WHERE id = $1", [member.tenant.id]);
  await createApiKeyVia(member, { role: "viewer", scopes: ["*"] });
  const invited = await sendAs(member, "POST", "/v1/invitations", {
    email: "joiner@offboarded.example",
    role: "viewer",
  });
  expect(invited.status).toBe(201);
  const set = await sendAs(member, "PUT", "/v1/privacy/retention", { deleted_records_days: deletedRecordsDays });
  expect(set.status).toBe(200);
  // A webhook endpoint: the changes below record events and deliveries for it.
  const endpoint = await sendAs(member, "POST", "/v1/webhook-endpoints", {
    url: `${inject("webhookReceiverUrl")}/hooks/offboarded-${crypto.randomUUID().slice(0, 8)}`,
    enabled_events: ["*"],
  });
  expect(endpoint.status).toBe(201);
  const company = (await (
    await sendAs(member, "POST", "/v1/companies", { name: "Offboarded Ltd", company_number: "OC000042" })
  ).json()) as { id: string };
  for (const name of ["Ada Officer", "Bob Officer"]) {
    const created = await sendAs(
      member,
      "POST",
      `/v1/companies/${company.id}/contacts`,
      { name, email: `${name.split(" ")[0]?.toLowerCase()}@offboarded.example`, lawful_basis: "legitimate_interests" },
      { "Idempotency-Key": `offboard-${crypto.randomUUID()}` },
    );
    expect(created.status).toBe(201);
  }
  expect((await sendAs(member, "POST", "/v1/privacy/erase", { email: "bob@offboarded.example" })).status).toBe(200);
  const linked = await sendAs(member, "PUT", "/v1/tenant/identity-provider", {
    issuer: "https://offboarded.example/",
    organization_id: `org_${crypto.randomUUID()}`,
  });
  expect(linked.status).toBe(200);
  const workspace = (await (await sendAs(member, "POST", "/v1/workspaces", { name: "Offboarded" })).json()) as {
    id: string;
  };
  expect((await sendAs(member, "PUT", `/v1/workspaces/${workspace.id}/companies/${company.id}`)).status).toBe(204);
  expect((await sendAs(member, "PUT", `/v1/workspaces/${workspace.id}/members/${member.user.id}`)).status).toBe(204);
  const sql = owner();
  const tenant = member.tenant.id;
  const [job] = (await sql.query(
    `INSERT INTO scrape_jobs (tenant_id, company_id, url, status, finished_at)
     VALUES ($1, $2, 'https://offboarded.example', 'succeeded', now()) RETURNING id`,
    [tenant, company.id],
  )) as { id: string }[];
  await sql.query(
    `INSERT INTO scrape_pages (tenant_id, job_id, url, outcome) VALUES ($1, $2, 'https://offboarded.example/', 'fetched')`,
    [tenant, job?.id],
  );
  // An import with one row (its all-malformed kind: completed at once, nothing queued).
  const imported = await sendAs(member, "POST", "/v1/imports", { company_numbers: ["not a number"] });
  expect(imported.status).toBe(202);
  await sql.query(
    `INSERT INTO company_signals (tenant_id, company_id, job_id, kind, name, data, source_url, fetched_at)
     VALUES ($1, $2, $3, 'web_profile', 'profile', '{}', 'https://offboarded.example/', now())`,
    [tenant, company.id, job?.id],
  );
  await sql.query(
    `INSERT INTO company_changes (tenant_id, company_id, type, details)
     VALUES ($1, $2, 'status_changed', '{"from": "active", "to": "dissolved"}')`,
    [tenant, company.id],
  );
  // An export and the companies it holds.
  const [exported] = (await sql.query(
    "INSERT INTO export_jobs (tenant_id, format, row_count, requested_by) VALUES ($1, 'csv', 1, $2) RETURNING id",
    [tenant, member.user.id],
  )) as { id: string }[];
  await sql.query("INSERT INTO export_companies (tenant_id, export_id, position, company_id) VALUES ($1, $2, 1, $3)", [
    tenant,
    exported?.id,
    company.id,
  ]);
  // Billing: a subscription with its customer, usage of two days, a usage report, an invoice.
  await sql.query("INSERT INTO subscriptions (tenant_id, stripe_customer_id) VALUES ($1, $2)", [
    tenant,
    `cus_${crypto.randomUUID().slice(0, 12)}`,
  ]);
  await sql.query(
    `INSERT INTO usage (tenant_id, metric, period, starts_on, used) VALUES
       ($1, 'scrape_jobs', 'day', current_date, 2), ($1, 'scrape_jobs', 'day', current_date - 1, 1),
       ($1, 'scrape_jobs', 'month', date_trunc('month', current_date), 3)`,
    [tenant],
  );
  await sql.query(
    "INSERT INTO usage_reports (id, tenant_id, metric, day, value) VALUES (gen_random_uuid(), $1, 'api_requests', current_date, 9)",
    [tenant],
  );
  // An operator's feature-flag override (the factory's tenants already have module overrides).
  const flag = `purge_${crypto.randomUUID().slice(0, 8)}`;
  await sql.query("INSERT INTO feature_flags (key) VALUES ($1)", [flag]);
  await sql.query(
    "INSERT INTO tenant_feature_flags (flag_key, tenant_id, value, reason) VALUES ($1, $2, 'true', 'pilot')",
    [flag, tenant],
  );
  await sql.query(
    `INSERT INTO invoices (id, tenant_id, status, amount_due, amount_paid, currency, created_at, stripe_state_at)
     VALUES ($1, $2, 'paid', 4900, 4900, 'gbp', now(), now())`,
    [`in_${crypto.randomUUID()}`, tenant],
  );
  const [run] = (await sql.query(
    "INSERT INTO maintenance_runs (job, completed) VALUES ('maintenance', true) RETURNING id",
  )) as { id: string }[];
  await sql.query(
    "INSERT INTO maintenance_run_counts (run_id, tenant_id, data_class, rows) VALUES ($1, $2, 'audit_log', 3)",
    [run?.id, tenant],
  );
  return member;
}

/** Deletes the tenant through the API, then moves the deletion `days` into the past. */
async function deletedDaysAgo(member: Member, days: number) {
  expect((await sendAs(member, "DELETE", "/v1/tenant")).status).toBe(204);
  await owner().query("UPDATE tenants SET deleted_at = now() - make_interval(days => $2) WHERE id = $1", [
    member.tenant.id,
    days,
  ]);
}

async function receiptOf(tenantId: string) {
  const [row] = (await owner().query(
    "SELECT row_to_json(r)::text AS json, r.rows, r.purged_at FROM tenant_purge_receipts r WHERE purged_tenant_id = $1",
    [tenantId],
  )) as { json: string; rows: Record<string, number>; purged_at: string | null }[];
  return row;
}

/** Runs the retention cron with `overrides` until a run completes; returns how many it took. */
async function purgeUntilDone(since: string, overrides: Record<string, string>): Promise<number> {
  for (let runs = 1; runs <= 60; runs++) {
    await runCron("retentionPurge", overrides);
    if ((await runsSince(since)).at(-1)?.completed) return runs;
  }
  throw new Error("the purge did not finish in 60 runs");
}

describe("deleted tenants in the retention cron", () => {
  it("names every table that refers to tenants", async () => {
    expect(TENANT_TABLES.map((spec) => spec.table).sort()).toEqual(await tenantTables());
  });

  // Dozens of bounded cron runs against PGlite: slower than the default 30 s on a busy machine.
  it("purges every table of a tenant past its own window, in bounded runs, leaving counts only", async () => {
    const since = await databaseNow();
    // Past its own 7-day window (the default would keep it another three weeks).
    const doomed = await populated(7);
    await deletedDaysAgo(doomed, 8);
    // Kept: a live tenant, one deleted within the default window, one with a longer window of
    // its own, and one deleted long ago but restored by its owner while it still could.
    const live = await populated(7);
    const recent = await populated(30);
    await deletedDaysAgo(recent, 1);
    const patient = await populated(60);
    await deletedDaysAgo(patient, 45);
    const restored = await populated(30);
    await deletedDaysAgo(restored, 29);
    expect((await sendAs(restored, "POST", `/v1/tenants/${restored.tenant.id}/restore`)).status).toBe(200);

    const before = await rowsOf(doomed.tenant.id);
    for (const [table, n] of Object.entries(before)) expect(n, `${table} has rows to purge`).toBeGreaterThan(0);
    const kept = [live, recent, patient, restored];
    const keptBefore = await Promise.all(kept.map((m) => rowsOf(m.tenant.id)));

    // Two rows per statement, and per run a few statements more than one look at every class
    // and table takes: the purge needs several runs, each carrying on where the last stopped.
    const budget = DATA_CLASSES.length + TENANT_TABLES.length + 4;
    const runs = await purgeUntilDone(since, { RETENTION_BATCH_SIZE: "2", CRON_MAX_STATEMENTS: String(budget) });
    expect(runs).toBeGreaterThan(2);
    expect((await runsSince(since))[0]).toMatchObject({ completed: false, statements: budget });

    const after = await rowsOf(doomed.tenant.id);
    expect(
      Object.values(after).every((n) => n === 0),
      JSON.stringify(after),
    ).toBe(true);
    expect(await Promise.all(kept.map((m) => rowsOf(m.tenant.id)))).toEqual(keptBefore);
    expect((await call("/v1/tenant", { headers: live.headers })).status).toBe(200);
    expect((await call("/v1/tenant", { headers: restored.headers })).status).toBe(200);

    const receipt = await receiptOf(doomed.tenant.id);
    expect(receipt?.purged_at).not.toBeNull();
    // Exactly what was there: the purge's own deletions left no audit rows behind to purge.
    const { maintenance_run_counts: figures, ...rest } = receipt?.rows ?? {};
    const { maintenance_run_counts: figuresBefore, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(figures).toBeGreaterThanOrEqual(figuresBefore ?? 1);
    // Counts only: nothing that names the tenant or a person.
    for (const secret of [doomed.tenant.slug, "Offboarded", "ada@offboarded.example", doomed.user.id]) {
      expect(receipt?.json).not.toContain(secret);
    }
    expect(Object.values(receipt?.rows ?? {}).every((n) => Number.isInteger(n))).toBe(true);
    for (const m of [recent, patient, restored, live]) expect(await receiptOf(m.tenant.id)).toBeUndefined();

    // Gone for good: its owner's restore is now a 404.
    expect((await sendAs(doomed, "POST", `/v1/tenants/${doomed.tenant.id}/restore`)).status).toBe(404);
  }, 90_000);

  it("refuses to restore a tenant whose purge has begun, and finishes it on later runs", async () => {
    const since = await databaseNow();
    const member = await populated(30);
    await deletedDaysAgo(member, 31);
    // The usual classes take a statement each; then the mark, then one table: out of budget.
    await runCron("retentionPurge", { CRON_MAX_STATEMENTS: String(DATA_CLASSES.length + 2) });
    expect((await runsSince(since))[0]).toMatchObject({ completed: false });
    const started = await receiptOf(member.tenant.id);
    expect(started?.purged_at).toBeNull();

    const response = await sendAs(member, "POST", `/v1/tenants/${member.tenant.id}/restore`);
    expect(response.status).toBe(410);
    const left = await rowsOf(member.tenant.id);
    expect(left.company_signals).toBe(0);
    expect(left.companies).toBeGreaterThan(0);

    await purgeUntilDone(since, {});
    expect(Object.values(await rowsOf(member.tenant.id)).every((n) => n === 0)).toBe(true);
    expect((await receiptOf(member.tenant.id))?.purged_at).not.toBeNull();
  });

  it("lets an operator hard-delete a tenant: the cascade no longer trips over its own audit rows", async () => {
    const member = await populated(30);
    await owner().query("DELETE FROM tenants WHERE id = $1", [member.tenant.id]);
    expect(Object.values(await rowsOf(member.tenant.id)).every((n) => n === 0)).toBe(true);
    // An audit row written directly for a tenant that does not exist is still refused.
    await expect(
      owner().query("INSERT INTO audit_log (tenant_id, action) VALUES (gen_random_uuid(), 'x.created')"),
    ).rejects.toMatchObject({ code: "23503" });
  });
});

describe("the maintenance role and offboarding", () => {
  it("cannot bypass row-level security and reaches only tenants being purged", async () => {
    const member = await populated(30);
    const before = await rowsOf(member.tenant.id);
    const maintenance = sqlAs("app_maintenance");
    const [role] = (await owner().query(
      "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'app_maintenance'",
    )) as { rolbypassrls: boolean; rolsuper: boolean }[];
    expect(role).toEqual({ rolbypassrls: false, rolsuper: false });
    // A live tenant: its members, keys and row are out of reach, even for a DELETE with no filter.
    for (const table of ["memberships", "suppressed_subjects"]) {
      expect(
        await maintenance.query(`SELECT tenant_id FROM ${table} WHERE tenant_id = $1`, [member.tenant.id]),
      ).toEqual([]);
    }
    for (const table of ["memberships", "api_keys", "erasure_receipts", "suppressed_subjects", "retention_policies"]) {
      await maintenance.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [member.tenant.id]);
    }
    await maintenance.query("DELETE FROM tenants WHERE id = $1", [member.tenant.id]);
    // Nor can it undelete or mark a tenant by hand beyond its column grants.
    await expect(
      maintenance.query("UPDATE tenants SET deleted_at = NULL WHERE id = $1", [member.tenant.id]),
    ).rejects.toMatchObject({
      code: "42501",
    });
    expect(await rowsOf(member.tenant.id)).toEqual(before);
  });

  it("cannot mark a live tenant for purging, so its delete policies never open on one", async () => {
    const member = await populated(30);
    const before = await rowsOf(member.tenant.id);
    const maintenance = sqlAs("app_maintenance");
    await expect(
      maintenance.query("UPDATE tenants SET purge_started_at = now() WHERE id = $1", [member.tenant.id]),
    ).rejects.toMatchObject({ code: "23514", constraint: "tenants_purge_only_deleted" });
    await maintenance.query("DELETE FROM tenants WHERE id = $1", [member.tenant.id]);
    expect(await rowsOf(member.tenant.id)).toEqual(before);
  });

  it("keeps the API role away from purge marks and receipts", async () => {
    const api = sqlAs("app_api");
    await expect(api.query("SELECT * FROM tenant_purge_receipts")).rejects.toMatchObject({ code: "42501" });
    await expect(api.query("UPDATE tenants SET purge_started_at = now()")).rejects.toMatchObject({ code: "42501" });
    // app.restore_tenant without a signed-in identity refuses.
    await expect(api.query("SELECT * FROM app.restore_tenant(gen_random_uuid())")).rejects.toMatchObject({
      code: "DT403",
    });
  });
});
