import { describe, expect, it } from "vitest";
import { CHANGE_TYPES } from "../../../src/db/schema/company-changes";
import { pageSchema } from "../../../src/http/pagination";
import { changeSchema } from "../../../src/routes/changes/schemas";
import { importedCompanySchema } from "../../../src/routes/companies/companies-house-import";
import { companyNumber, fakeCompany, importCompany } from "../companies-house";
import { signedIn } from "../factories";
import { call, databaseRoundTrips, newRequestId, problemOf, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;
const changesPage = pageSchema(changeSchema);

const refresh = async (member: Member, id: string) => {
  const response = await call(`/v1/companies/${id}/refresh`, { method: "POST", headers: member.headers });
  expect(response.status).toBe(200);
  return importedCompanySchema.parse(await response.json());
};
const changesOf = async (member: Member, path: string) => {
  const response = await call(path, { headers: member.headers });
  expect(response.status, path).toBe(200);
  return changesPage.parse(await response.json());
};

/** Everything about a company that can change, changed at once (the default is in the fake server). */
const changedCompany = (n: string) => ({
  profile: {
    company_status: "liquidation",
    sic_codes: ["62012", "70229"],
    registered_office_address: { premises: "2", address_line_1: "New Road", locality: "Leeds", postal_code: "LS1 1AA" },
    accounts: { last_accounts: { made_up_to: "2025-12-31" }, next_due: "2026-12-31", overdue: false },
    confirmation_statement: { next_due: "2027-03-06", overdue: true },
    has_insolvency_history: true,
  },
  officers: [
    {
      name: "SMITH, Jane Alice",
      officer_role: "director",
      appointed_on: "2015-03-01",
      links: { officer: { appointments: "/officers/abc123/appointments" } },
    },
    {
      name: "JONES, Robert",
      officer_role: "secretary",
      appointed_on: "2016-07-12",
      resigned_on: "2026-01-15",
      links: { officer: { appointments: "/officers/def456/appointments" } },
    },
    {
      name: "NEWMAN, Alex",
      officer_role: "director",
      appointed_on: "2026-01-20",
      links: { officer: { appointments: `/officers/new-${n}/appointments` } },
    },
  ],
  pscs: [
    {
      kind: "individual-person-with-significant-control",
      name: "Mr Mark David Owner",
      name_elements: { forename: "Mark", middle_name: "David", surname: "Owner" },
      natures_of_control: ["ownership-of-shares-50-to-75-percent"],
      notified_on: "2016-04-06",
      ceased_on: "2026-01-31",
      links: { self: `/company/${n}/persons-with-significant-control/individual/psc-mark-owner` },
    },
    {
      kind: "corporate-entity-person-with-significant-control",
      name: "NEWCO HOLDINGS LIMITED",
      natures_of_control: ["ownership-of-shares-75-to-100-percent"],
      notified_on: "2026-01-31",
      links: { self: `/company/${n}/persons-with-significant-control/corporate-entity/psc-newco` },
    },
  ],
  filings: [{ category: "accounts", date: "2026-02-10", type: "AA", description: "accounts" }],
  insolvency: { cases: [{ type: "creditors-voluntary-liquidation", number: 1 }] },
});

describe("company changes", () => {
  it("records each difference between two fetches once, and none on the first or an unchanged one", async () => {
    const editor = await signedIn("editor");
    const n = companyNumber();
    const company = await importCompany(editor, n);
    expect((await changesOf(editor, `/v1/companies/${company.id}/changes`)).items).toEqual([]);
    expect((await refresh(editor, company.id)).changes_recorded).toBe(0);

    await fakeCompany(n, changedCompany(n));
    const refreshed = await refresh(editor, company.id);
    expect(refreshed).toMatchObject({
      status: "liquidation",
      accounts: { made_up_to: "2025-12-31", next_due: "2026-12-31", last_filed_on: "2026-02-10" },
      confirmation_statement: { next_due: "2027-03-06", overdue: true },
      insolvency: { status: "creditors-voluntary-liquidation" },
      officers_imported: 2,
      pscs_imported: 0,
    });

    const { items } = await changesOf(editor, `/v1/companies/${company.id}/changes?limit=100`);
    const byType = Object.fromEntries(items.map((change) => [change.type, change]));
    // The old corporate PSC (HOLDCO) ceased by leaving the list; NEWCO was added: two PSC changes each way.
    expect(items.map((change) => change.type).sort()).toEqual([...CHANGE_TYPES, "psc_ceased"].sort());
    expect(refreshed.changes_recorded).toBe(items.length);
    expect(byType.status_changed?.details).toEqual({ from: "active", to: "liquidation" });
    expect(byType.sic_codes_changed?.details).toEqual({ from: ["62012", "62020"], to: ["62012", "70229"] });
    expect(byType.address_changed?.details).toMatchObject({ to: { locality: "Leeds", postal_code: "LS1 1AA" } });
    expect(byType.accounts_filed?.details).toEqual({
      made_up_to: "2025-12-31",
      previous_made_up_to: "2024-12-31",
      filed_on: "2026-02-10",
    });
    expect(byType.insolvency?.details).toEqual({ from: null, to: "creditors-voluntary-liquidation" });
    // People are named through their contact, never stored in the change.
    expect(byType.officer_appointed).toMatchObject({ person: { name: "Alex Newman" }, details: { role: "director" } });
    expect(byType.officer_resigned).toMatchObject({
      person: { name: "Robert Jones" },
      details: { role: "secretary", resigned_on: "2026-01-15" },
    });
    const pscChanges = items.filter((change) => change.type.startsWith("psc_"));
    expect(pscChanges.map((change) => [change.type, change.person?.name ?? change.details.name]).sort()).toEqual([
      ["psc_added", "NEWCO HOLDINGS LIMITED"],
      ["psc_ceased", "HOLDCO GROUP LIMITED"],
      ["psc_ceased", "Mark David Owner"],
    ]);
    const [stored] = await sqlAs("owner").query(
      "SELECT count(*)::int AS n FROM company_changes WHERE company_id = $1 AND details::text ILIKE '%robert%'",
      [company.id],
    );
    expect(stored).toEqual({ n: 0 });

    // The same data again: nothing new.
    expect((await refresh(editor, company.id)).changes_recorded).toBe(0);
    await fakeCompany(n, null);
  });

  it("lists tenant-wide by type and since, newest first, with stable keyset pages in one round trip", async () => {
    const viewer = await signedIn("editor");
    const numbers = [companyNumber(), companyNumber()];
    const companies = [];
    for (const n of numbers) companies.push(await importCompany(viewer, n));
    for (const [i, n] of numbers.entries()) {
      await fakeCompany(n, { profile: { company_status: "dissolved" } });
      await refresh(viewer, companies[i]?.id ?? "");
    }
    const requestId = newRequestId();
    const all = await call("/v1/changes?type=status_changed", {
      headers: { ...viewer.headers, "X-Request-Id": requestId },
    });
    expect(all.status).toBe(200);
    expect(await databaseRoundTrips(requestId)).toBe(1);
    const statuses = changesPage.parse(await all.json()).items;
    expect(statuses.map((change) => change.company_id)).toEqual([companies[1]?.id, companies[0]?.id]);

    // Page by page (limit 1), every change of the tenant exactly once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await changesOf(viewer, `/v1/changes?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.items.map((change) => change.id));
      cursor = page.next_cursor;
    } while (cursor);
    const everything = await changesOf(viewer, "/v1/changes?limit=100");
    expect(seen).toEqual(everything.items.map((change) => change.id));
    expect(new Set(seen).size).toBe(seen.length);

    const last = statuses[0]?.detected_at ?? "";
    const since = await changesOf(viewer, `/v1/changes?since=${encodeURIComponent(last)}`);
    expect(since.items.every((change) => change.detected_at >= last)).toBe(true);
    expect(since.items.map((change) => change.company_id)).toContain(companies[1]?.id);
    expect(since.items.map((change) => change.company_id)).not.toContain(companies[0]?.id);
    expect((await changesOf(viewer, "/v1/changes?type=insolvency")).items).toEqual([]);
    for (const n of numbers) await fakeCompany(n, null);
  });

  it("refuses unreadable PSC data from Companies House with 502 and writes nothing", async () => {
    const editor = await signedIn("editor");
    const n = companyNumber();
    const company = await importCompany(editor, n);
    await fakeCompany(n, { profile: { company_status: "dissolved" }, pscs: [{ kind: "x".repeat(500), name: "Y" }] });
    const response = await call(`/v1/companies/${company.id}/refresh`, { method: "POST", headers: editor.headers });
    expect(response.status).toBe(502);
    const [row] = await sqlAs("owner").query("SELECT status, version FROM companies WHERE id = $1", [company.id]);
    expect(row).toEqual({ status: "active", version: 1 });
    expect((await changesOf(editor, `/v1/companies/${company.id}/changes`)).items).toEqual([]);
    await fakeCompany(n, null);
  });

  it("refuses a bad type, since or cursor with 400, and an unknown company with 404", async () => {
    const viewer = await signedIn("viewer");
    for (const query of ["type=director_left", "since=yesterday", "cursor=not-a-cursor", "limit=0"]) {
      const response = await call(`/v1/changes?${query}`, { headers: viewer.headers });
      expect(response.status, query).toBe(400);
      expect((await problemOf(response)).errors?.length, query).toBeGreaterThan(0);
    }
    const unknown = await call(`/v1/companies/${crypto.randomUUID()}/changes`, { headers: viewer.headers });
    expect(unknown.status).toBe(404);
  });

  it("no longer names an erased person, and does not add them back", async () => {
    const owner = await signedIn("owner");
    const n = companyNumber();
    const company = await importCompany(owner, n);
    await fakeCompany(n, changedCompany(n));
    await refresh(owner, company.id);
    const resigned = (await changesOf(owner, `/v1/companies/${company.id}/changes?type=officer_resigned`)).items[0];
    const contactId = resigned?.person?.contact_id;
    expect(contactId).toBeDefined();
    const erased = await call("/v1/privacy/erase", {
      method: "POST",
      headers: { ...owner.headers, "content-type": "application/json" },
      body: JSON.stringify({ contact_id: contactId }),
    });
    expect(erased.status).toBe(200);
    const after = (await changesOf(owner, `/v1/companies/${company.id}/changes?type=officer_resigned`)).items[0];
    expect(after).toMatchObject({ id: resigned?.id, person: null });
    await fakeCompany(n, null);
    await refresh(owner, company.id);
    const names = (await (await call(`/v1/companies/${company.id}/contacts`, { headers: owner.headers })).json()) as {
      items: { name: string }[];
    };
    expect(names.items.map((c) => c.name)).not.toContain("Robert Jones");
  });
});
