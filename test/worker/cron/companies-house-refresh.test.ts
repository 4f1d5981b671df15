import { describe, expect, it } from "vitest";
import type { Env } from "../../../src/config/env";
import { pageSchema } from "../../../src/http/pagination";
import { changeSchema } from "../../../src/routes/changes/schemas";
import { companyNumber, fakeCompany, importCompany } from "../companies-house";
import { databaseNow, type RunReceipt, runCron, runsSince } from "../cron";
import { createTenant, createTenantWithMember, signedIn } from "../factories";
import { call, signedBegin, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;
const owner = () => sqlAs("owner");

/**
 * Due for these tests' runs only: they ask for companies unchecked for an hour, and the companies
 * are made a few hours stale; a run with the default (24 hours), such as scheduled.test.ts makes,
 * leaves them alone, and so do these runs with every other file's freshly imported companies.
 */
const AFTER_HOURS = "1";
async function staleBy(id: string, hours: number) {
  await owner().query("UPDATE companies SET checked_at = now() - make_interval(hours => $2) WHERE id = $1", [
    id,
    hours,
  ]);
}
const checkedAt = async (id: string) =>
  ((await owner().query("SELECT checked_at::text AS t FROM companies WHERE id = $1", [id]))[0] as { t: string }).t;

/** One refresh run and its receipt (taking turns with another file's run of the job, if one holds the lease). */
async function refreshRun(overrides: Partial<Env> = {}): Promise<RunReceipt> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const since = await databaseNow();
    await runCron("companiesHouseRefresh", { COMPANIES_HOUSE_REFRESH_AFTER_HOURS: AFTER_HOURS, ...overrides });
    const [receipt] = await runsSince(since, "companies_house_refresh");
    if (receipt && !receipt.error?.startsWith("skipped")) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the refresh never got its lease");
}

const changesOf = async (member: Member, query = "") => {
  const response = await call(`/v1/changes?limit=100${query}`, { headers: member.headers });
  expect(response.status).toBe(200);
  return pageSchema(changeSchema).parse(await response.json()).items;
};

describe("scheduled Companies House refresh", () => {
  it("takes each tenant's stalest company in turn, within its request budget, and records what changed", async () => {
    const a = await signedIn("editor");
    const b = await signedIn("editor");
    const aNumbers = [companyNumber(), companyNumber(), companyNumber()];
    const aCompanies = [];
    for (const n of aNumbers) aCompanies.push(await importCompany(a, n));
    const [a1, a2, a3] = aCompanies.map((company) => company.id);
    const bNumber = companyNumber();
    const b1 = (await importCompany(b, bNumber)).id;
    if (!a1 || !a2 || !a3) throw new Error("imports");
    // Stalest first would take a1 and a2; a fair share takes a1 and b1.
    await staleBy(a1, 5);
    await staleBy(a2, 4);
    await staleBy(a3, 3);
    await staleBy(b1, 2);
    await fakeCompany(aNumbers[0] ?? "", { profile: { company_status: "dissolved" } });
    const before = { a2: await checkedAt(a2), a3: await checkedAt(a3) };
    // The database is shared with every other test file: tracked companies of other tenants that
    // are due (never checked, or stale) would take turns before b's; this case is about a and b.
    await owner().query(
      `UPDATE companies SET checked_at = now() WHERE source = 'companies_house' AND tenant_id <> ALL($1::uuid[])
         AND (checked_at IS NULL OR checked_at < now() - interval '1 hour')`,
      [[a.tenant.id, b.tenant.id]],
    );

    // Room for two companies (5 requests each here, 6 at most).
    const first = await refreshRun({ COMPANIES_HOUSE_REFRESH_REQUESTS: "12" });
    expect(first).toMatchObject({ completed: false, error: null });
    expect(await checkedAt(a1)).not.toBe(before.a2);
    expect(Date.parse(await checkedAt(a1))).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(await checkedAt(b1))).toBeGreaterThan(Date.now() - 60_000);
    expect(await checkedAt(a2)).toBe(before.a2);
    expect(await checkedAt(a3)).toBe(before.a3);
    const changes = await changesOf(a);
    expect(changes.map((change) => [change.company_id, change.type, change.details])).toEqual([
      [a1, "status_changed", { from: "active", to: "dissolved" }],
    ]);
    expect(await changesOf(b)).toEqual([]);
    // Each tenant's admin sees its own figures on the run's receipt.
    const receipts = await call("/v1/maintenance/runs?job=companies_house_refresh&limit=100", {
      headers: (await signedIn("admin", a.tenant)).headers,
    });
    const runs = ((await receipts.json()) as { items: { id: string; rows: Record<string, number> }[] }).items;
    expect(runs.find((r) => r.id === first.id)?.rows).toEqual({ companies_refreshed: 1, company_changes: 1 });

    // The next run takes the rest, and has nothing left over.
    const second = await refreshRun();
    expect(second).toMatchObject({ completed: true, error: null });
    expect(await checkedAt(a2)).not.toBe(before.a2);
    expect(await checkedAt(a3)).not.toBe(before.a3);
    await fakeCompany(aNumbers[0] ?? "", null);
  });

  it("pauses while Companies House is down, and the next run refreshes every company it left", async () => {
    const member = await signedIn("editor");
    const numbers = [companyNumber(), companyNumber()];
    const ids: string[] = [];
    for (const n of numbers) ids.push((await importCompany(member, n)).id);
    for (const [i, id] of ids.entries()) await staleBy(id, 5 - i);
    for (const n of numbers) await fakeCompany(n, { down: true });
    const stale = await Promise.all(ids.map(checkedAt));

    const during = await refreshRun();
    expect(during).toMatchObject({ completed: false, error: null });
    expect(await Promise.all(ids.map(checkedAt))).toEqual(stale);
    expect(await changesOf(member)).toEqual([]);

    // Back up, and the companies changed meanwhile: nothing was lost.
    for (const n of numbers) await fakeCompany(n, { profile: { company_status: "dissolved" } });
    const after = await refreshRun();
    expect(after).toMatchObject({ completed: true, error: null });
    for (const [i, id] of ids.entries()) expect(await checkedAt(id)).not.toBe(stale[i]);
    const changes = await changesOf(member, "&type=status_changed");
    expect(changes.map((change) => change.company_id).sort()).toEqual([...ids].sort());
    for (const n of numbers) await fakeCompany(n, null);
  });

  it("leaves deleted companies, and companies Companies House no longer knows, as they are", async () => {
    const member = await signedIn("editor");
    const gone = await importCompany(member, companyNumber());
    const deleted = await importCompany(member, companyNumber());
    const unreadable = await importCompany(member, companyNumber());
    await staleBy(gone.id, 5);
    await staleBy(deleted.id, 5);
    await staleBy(unreadable.id, 5);
    await fakeCompany(unreadable.company_number, {
      profile: { company_status: "dissolved" },
      pscs: [{ name: "NO KIND GIVEN" }],
    });
    await owner().query("UPDATE companies SET company_number = '00000404' WHERE id = $1", [gone.id]);
    const removed = await call(`/v1/companies/${deleted.id}`, { method: "DELETE", headers: member.headers });
    expect(removed.status).toBe(204);
    const beforeDeleted = await checkedAt(deleted.id);

    expect(await refreshRun()).toMatchObject({ completed: true, error: null });
    const [row] = await owner().query("SELECT name, status, checked_at FROM companies WHERE id = $1", [gone.id]);
    expect(row).toMatchObject({ name: `FAKE COMPANY ${gone.company_number} LIMITED`, status: "active" });
    expect(Date.parse(String(row?.checked_at))).toBeGreaterThan(Date.now() - 60_000);
    expect(await checkedAt(deleted.id)).toBe(beforeDeleted);
    // Unreadable data (a PSC without its kind): asked about, nothing of it written.
    const [kept] = await owner().query("SELECT status, checked_at FROM companies WHERE id = $1", [unreadable.id]);
    expect(kept?.status).toBe("active");
    expect(Date.parse(String(kept?.checked_at))).toBeGreaterThan(Date.now() - 60_000);
    await fakeCompany(unreadable.company_number, null);
    const [state] = await owner().query("SELECT deleted_at IS NOT NULL AS deleted FROM companies WHERE id = $1", [
      deleted.id,
    ]);
    expect(state).toEqual({ deleted: true });
  });

  it("acts for a tenant only with the Worker's identity, and never for a deleted tenant", async () => {
    const victim = await createTenantWithMember("owner");
    const sql = sqlAs("app_api");
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => "ok",
        (error: { code?: string; cause?: { code?: string } }) => error.code ?? error.cause?.code ?? "unknown",
      );
    const move = "SELECT app.begin_companies_house_refresh($1, 'x')";
    expect(await codeOf(sql.query(move, [victim.tenant.id]))).toBe("DT403");
    const asUser = await signedBegin({ tenantId: victim.tenant.id, subject: victim.user.subject, role: "owner" });
    expect(await codeOf(sql.transaction([sql.query(...asUser), sql.query(move, [victim.tenant.id])]))).toBe("DT403");

    const worker = await signedBegin({ kind: "worker" });
    const [, , seen] = await sql.transaction([
      sql.query(...worker),
      sql.query(move, [victim.tenant.id]),
      sql.query("SELECT count(*)::int AS n FROM companies WHERE tenant_id <> $1", [victim.tenant.id]),
    ]);
    // Inside the tenant, row-level security shows nothing of any other.
    expect(seen).toEqual([{ n: 0 }]);

    const deletedTenant = await createTenant();
    await owner().query("UPDATE tenants SET deleted_at = now() WHERE id = $1", [deletedTenant.id]);
    expect(
      await codeOf(
        sql.transaction([sql.query(...(await signedBegin({ kind: "worker" }))), sql.query(move, [deletedTenant.id])]),
      ),
    ).toBe("DT409");
  });
});
