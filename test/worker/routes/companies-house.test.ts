import { describe, expect, inject, it } from "vitest";
import { companiesHouseClient } from "../../../src/companies-house/client";
import { ApiError } from "../../../src/errors/api-error";
import type { RateLimiter } from "../../../src/rate-limit/rate-limiter";
import { importedCompanySchema } from "../../../src/routes/companies/companies-house-import";
import { signedIn } from "../factories";
import { call, callWithEnv, databaseRoundTrips, newRequestId, problemOf, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;
const importNumber = (member: Member, companyNumber: string, headers: Record<string, string> = {}) =>
  call("/v1/companies/import", {
    method: "POST",
    headers: { ...member.headers, "content-type": "application/json", ...headers },
    body: JSON.stringify({ company_number: companyNumber }),
  });
const number = () => String(10_000_000 + Math.floor(Math.random() * 89_999_999));

describe("Companies House import", () => {
  it("maps the profile and active officers, in one round trip, with provenance", async () => {
    const editor = await signedIn("editor");
    const n = number();
    const requestId = newRequestId();
    const response = await importNumber(editor, n, { "X-Request-Id": requestId });
    expect(response.status).toBe(201);
    const company = importedCompanySchema.parse(await response.json());
    expect(company).toMatchObject({
      name: `FAKE COMPANY ${n} LIMITED`,
      company_number: n,
      status: "active",
      type: "ltd",
      date_of_creation: "2015-02-20",
      jurisdiction: "england-wales",
      sic_codes: ["62012", "62020"],
      registered_office: { premises: "1", address_line_1: "High Street", locality: "London", postal_code: "EC1A 1BB" },
      accounts: { made_up_to: "2024-12-31", next_due: "2026-09-30", overdue: false, last_filed_on: "2025-09-30" },
      confirmation_statement: { next_due: "2026-03-06", overdue: false },
      charges: { total: 2, outstanding: 1 },
      insolvency: { status: null },
      provenance: { source: "companies_house" },
      officers_imported: 2,
      pscs_imported: 1,
      changes_recorded: 0,
    });
    expect(company.provenance.checked_at).not.toBeNull();
    expect(company.provenance.source_ref).toContain(`/company/${n}`);
    expect(company.provenance.fetched_at).not.toBeNull();
    expect(await databaseRoundTrips(requestId)).toBe(1);

    const contacts = (await (
      await call(`/v1/companies/${company.id}/contacts`, { headers: editor.headers })
    ).json()) as {
      items: {
        name: string;
        job_title: string;
        provenance: { source: string; lawful_basis: string; source_url: string };
      }[];
    };
    // Officers in office and the individual PSC (the corporate PSC is no person and no contact).
    expect(contacts.items.map((c) => [c.name, c.job_title]).sort()).toEqual([
      ["Jane Alice Smith", "director"],
      ["Mark David Owner", "person with significant control"],
      ["Robert Jones", "secretary"],
    ]);
    expect(contacts.items[0]?.provenance).toMatchObject({
      source: "companies_house",
      lawful_basis: "legitimate_interests",
    });
    const byPostcode = (await (await call("/v1/companies?postcode=EC1A", { headers: editor.headers })).json()) as {
      items: { id: string }[];
    };
    expect(byPostcode.items.map((c) => c.id)).toContain(company.id);
  });

  it("updates on re-import and refresh instead of duplicating", async () => {
    const editor = await signedIn("editor");
    const n = number();
    const first = importedCompanySchema.parse(await (await importNumber(editor, n)).json());
    const again = await importNumber(editor, n);
    expect(again.status).toBe(200);
    expect(importedCompanySchema.parse(await again.json()).id).toBe(first.id);
    const refreshed = await call(`/v1/companies/${first.id}/refresh`, { method: "POST", headers: editor.headers });
    expect(refreshed.status).toBe(200);
    const [count] = await sqlAs("owner").query("SELECT count(*)::int AS n FROM contacts WHERE company_id = $1", [
      first.id,
    ]);
    expect(count).toEqual({ n: 3 });
  });

  it("retries a 429 from Companies House", async () => {
    const editor = await signedIn("editor");
    expect((await importNumber(editor, "00000429")).status).toBeLessThan(300);
  });

  it("answers 404 naming the number, 503 with Retry-After, and 502 for unreadable data, writing nothing", async () => {
    const editor = await signedIn("editor");
    const missing = await importNumber(editor, "00000404");
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).detail).toContain("00000404");
    const down = await importNumber(editor, "00000500");
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await importNumber(editor, "00000502")).status).toBe(502);
    const [count] = await sqlAs("owner").query("SELECT count(*)::int AS n FROM companies WHERE tenant_id = $1", [
      editor.tenant.id,
    ]);
    expect(count).toEqual({ n: 0 });
  });

  it("answers 503 when Companies House cannot be reached", async () => {
    const editor = await signedIn("editor");
    const response = await callWithEnv({ COMPANIES_HOUSE_API_URL: "http://127.0.0.1:9" }, "/v1/companies/import", {
      method: "POST",
      headers: { ...editor.headers, "content-type": "application/json" },
      body: JSON.stringify({ company_number: number() }),
    });
    expect(response.status).toBe(503);
  });

  it("refuses a refresh of a company without a number (422) and of an unknown id (404)", async () => {
    const editor = await signedIn("editor");
    const created = (await (
      await call("/v1/companies", {
        method: "POST",
        headers: { ...editor.headers, "content-type": "application/json" },
        body: JSON.stringify({ name: "No Number Ltd" }),
      })
    ).json()) as { id: string };
    expect(
      (await call(`/v1/companies/${created.id}/refresh`, { method: "POST", headers: editor.headers })).status,
    ).toBe(422);
    expect(
      (await call(`/v1/companies/${crypto.randomUUID()}/refresh`, { method: "POST", headers: editor.headers })).status,
    ).toBe(404);
  });

  it("waits for a slow Companies House within its time budget", async () => {
    const editor = await signedIn("editor");
    // Profile and officers each answer after 700 ms: slow, but within the client's 8 s.
    const response = await importNumber(editor, "00000408");
    expect(response.status).toBe(201);
    expect(importedCompanySchema.parse(await response.json()).officers_imported).toBe(2);
  });

  it("gives up on a Companies House that does not answer when its time budget ends (503)", async () => {
    const allowAll: RateLimiter = {
      consume: async () => ({
        allowed: true,
        policy: "anonymous",
        planKnown: true,
        planLimits: null,
        burst: 1,
        perMinute: 1,
        remaining: 1,
        resetSeconds: 0,
        retryAfterSeconds: 0,
      }),
      refund: async () => {},
      setPlan: async () => {},
      peek: async () => {
        throw new Error("unused");
      },
    };
    const client = companiesHouseClient({
      baseUrl: inject("companiesHouseUrl"),
      apiKey: "fake-companies-house-key",
      limiter: allowAll,
      budgetMs: 600,
    });
    const started = Date.now();
    const failure = await client.company("00000504").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 503 });
    // Ended by the 600 ms budget, not by the fake (which never answers); the bound is generous.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
