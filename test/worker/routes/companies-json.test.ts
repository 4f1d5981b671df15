import { describe, expect, it } from "vitest";
import { signedIn } from "../factories";
import { sendAs, sqlAs } from "../harness";

/**
 * GET /v1/companies/{id} and the list send the company as Postgres wrote it (company-json.ts);
 * every other company route builds it in the Worker (companyBody + c.json). The two must give
 * the same bytes, escapes, nulls, timestamps and key order included, but for the spaces jsonb
 * writes inside `registered_office`.
 */

/** The text with the spaces jsonb writes after the office's colons and commas taken out, nothing else. */
function compactOffice(text: string, office: string): string {
  const at = text.indexOf(`"registered_office":${office}`);
  expect(at).toBeGreaterThan(0);
  return `${text.slice(0, at)}"registered_office":${JSON.stringify(JSON.parse(office))}${text.slice(at + 20 + office.length)}`;
}
describe("company bodies written by Postgres", () => {
  it("are byte for byte the body the Worker builds, for awkward values too", async () => {
    const editor = await signedIn("editor");
    const created = await sendAs(editor, "POST", "/v1/companies", {
      name: 'Quote " backslash \\ tab \t newline \n bell \u0007 Łódź 😀 \u2028 Ltd',
      company_number: "SC123456",
      website: "https://www.example.co.uk",
      tags: ["b", "a"],
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // checked_at in the future: a stale tracked company would join the scheduled refresh's turns,
    // which companies-house-refresh.test.ts counts on the shared database.
    await sqlAs("owner").query(
      `UPDATE companies SET
         status = 'active', type = NULL, jurisdiction = 'scotland',
         date_of_creation = '1999-01-02', date_of_cessation = NULL,
         sic_codes = array['62012', '99999', '62020'],
         registered_office = '{"region": "Lothian", "address_line_1": "1 \\"High\\" St", "postal_code": "EH1 1AA"}',
         accounts_made_up_to = '2025-03-31', accounts_next_due = '2026-12-31', accounts_overdue = false,
         last_accounts_filed_on = '2025-06-01', confirmation_statement_next_due = '2026-02-01',
         confirmation_statement_overdue = true, charges_total = 3, charges_outstanding = 0,
         insolvency_status = NULL, source_ref = 'ch:SC123456',
         fetched_at = '2026-01-02 03:04:05.678901+00', checked_at = '2099-01-02 23:59:59.9999+05:30'
       WHERE id = $1`,
      [id],
    );
    // The PATCH answer is the Worker's own rendering of the row as it now is.
    const patched = await sendAs(editor, "PATCH", `/v1/companies/${id}`, { tags: ["z", "a"] });
    expect(patched.status).toBe(200);
    const expected = await patched.text();

    const got = await sendAs(editor, "GET", `/v1/companies/${id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/json");
    expect(got.headers.get("etag")).toBe(`"${id}.${(JSON.parse(expected) as { version: number }).version}"`);
    // jsonb's text of the office as stored: keys in jsonb's order, a space after ':' and ','.
    const office = '{"region": "Lothian", "postal_code": "EH1 1AA", "address_line_1": "1 \\"High\\" St"}';
    const text = await got.text();
    expect(compactOffice(text, office)).toBe(expected);
    expect(JSON.parse(text)).toEqual(JSON.parse(expected));

    const listed = await sendAs(editor, "GET", "/v1/companies?sort=name&limit=1");
    expect(listed.status).toBe(200);
    expect(listed.headers.get("content-type")).toBe("application/json");
    expect(compactOffice(await listed.text(), office)).toBe(`{"items":[${expected}],"next_cursor":null}`);
  });

  it("writes a deleted company's deletion time and a company with no SIC codes the same way", async () => {
    const editor = await signedIn("editor");
    const created = await sendAs(editor, "POST", "/v1/companies", { name: "Plain Ltd" });
    const expected = await created.text();
    const { id } = JSON.parse(expected) as { id: string };
    const got = await sendAs(editor, "GET", `/v1/companies/${id}`);
    expect(await got.text()).toBe(expected);

    const deleted = await sendAs(editor, "DELETE", `/v1/companies/${id}`);
    expect(deleted.status).toBeLessThan(300);
    const restored = await sendAs(editor, "GET", `/v1/companies/${id}`);
    const body = JSON.parse(await restored.text()) as { deleted_at: string | null };
    expect(body.deleted_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
