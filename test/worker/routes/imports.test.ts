import { describe, expect, it } from "vitest";
import { importSchema } from "../../../src/routes/imports/schemas";
import { companyNumber, importCompany } from "../companies-house";
import { signedIn } from "../factories";
import { call, problemOf, sendAs, sqlAs } from "../harness";
import { importOf, postCsv, settledImport, usedThisMonth } from "../imports";
import { siteOrigin } from "../scrape";

type Member = Awaited<ReturnType<typeof signedIn>>;

async function companiesOf(member: Member) {
  return (await sqlAs("owner").query(
    "SELECT company_number, domain, source FROM companies WHERE tenant_id = $1 ORDER BY company_number, domain",
    [member.tenant.id],
  )) as { company_number: string | null; domain: string | null; source: string }[];
}

async function importsOf(member: Member) {
  return (await sqlAs("owner").query("SELECT id FROM imports WHERE tenant_id = $1", [member.tenant.id])) as {
    id: string;
  }[];
}

describe("POST /v1/imports", () => {
  it("takes JSON, reports malformed rows at once and imports the rest through the queue, metered exactly", async () => {
    const editor = await signedIn("editor");
    const [a, b] = [companyNumber(), companyNumber()];
    const response = await sendAs(editor, "POST", "/v1/imports", {
      company_numbers: [a, "12-34", b],
      websites: [siteOrigin("via-queue"), "not a website"],
    });
    expect(response.status).toBe(202);
    const accepted = importSchema.parse(await response.json());
    expect(response.headers.get("location")).toBe(`/v1/imports/${accepted.id}`);
    expect(accepted).toMatchObject({ status: "queued", total: 5, failed: 2, done: 0, pending: 3 });

    const done = await settledImport(editor, accepted.id);
    expect(done).toMatchObject({
      status: "completed",
      total: 5,
      done: 3,
      created: 3,
      existing: 0,
      failed: 2,
      pending: 0,
    });
    expect(done.finished_at).not.toBeNull();
    expect(done.errors).toEqual([
      { row: 2, input: "12-34", type: "validation_failed", detail: expect.stringContaining("not a UK company number") },
      { row: 5, input: "not a website", type: "validation_failed", detail: expect.stringContaining("not a website") },
    ]);
    const companies = await companiesOf(editor);
    expect(companies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ company_number: a, source: "companies_house" }),
        expect.objectContaining({ company_number: b, source: "companies_house" }),
        expect.objectContaining({ company_number: null, domain: "127.0.0.1", source: "import" }),
      ]),
    );
    expect(companies).toHaveLength(3);
    // One import per company fetched, one scrape job for the company made from a website.
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(2);
    expect(await usedThisMonth(editor.tenant.id, "scrape_jobs")).toBe(1);
    const jobs = (await sqlAs("owner").query("SELECT url FROM scrape_jobs WHERE tenant_id = $1", [
      editor.tenant.id,
    ])) as { url: string }[];
    expect(jobs).toEqual([{ url: siteOrigin("via-queue") }]);
  });

  it("reads CSV as RFC 4180 writes it: BOM, CRLF, quotes, other columns; bad rows are reported by number", async () => {
    const editor = await signedIn("editor");
    const [a, b, c] = [companyNumber(), companyNumber(), companyNumber()];
    // A number whose leading zero a spreadsheet dropped.
    const short = String(1_000_000 + Math.floor(Math.random() * 8_999_999));
    const csv =
      "\uFEFFName,Company_Number,Notes\r\n" +
      `"Acme, Ltd",${a},"said ""hello"""\r\n` +
      `Short row,${b}\r\n` +
      `"Multi\nline",${c},ok\r\n` +
      "\r\n" +
      "Bad number,ABCDEFGHIJ,x\r\n" +
      `Broken "quote,${companyNumber()},x\r\n` +
      `Padded,${short},"no zero"`;
    const response = await postCsv(editor, csv);
    expect(response.status).toBe(202);
    const accepted = importSchema.parse(await response.json());
    expect(accepted).toMatchObject({ total: 6, failed: 3 });
    const done = await settledImport(editor, accepted.id);
    expect(done).toMatchObject({ status: "completed", created: 3, existing: 0, failed: 3 });
    expect(done.errors.map((e) => [e.row, e.type, e.detail])).toEqual([
      [2, "validation_failed", "The row has 2 fields; the header has 3."],
      [4, "validation_failed", expect.stringContaining("not a UK company number")],
      [5, "validation_failed", expect.stringContaining("not valid CSV")],
    ]);
    expect(done.errors[0]?.input).toBe(`Short row,${b}`);
    // The last row has no line break after it, and its number gets its leading zero back.
    expect((await companiesOf(editor)).map((row) => row.company_number).sort()).toEqual([a, c, `0${short}`].sort());
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(3);
  });

  it("reports companies already in the book as existing, fetching and counting nothing for them", async () => {
    const editor = await signedIn("editor");
    const known = companyNumber();
    await importCompany(editor, known);
    const fresh = companyNumber();
    const response = await postCsv(editor, `company_number\n${known}\n${fresh}\n${fresh}\n`);
    const done = await settledImport(editor, importSchema.parse(await response.json()).id);
    expect(done).toMatchObject({ total: 3, created: 1, existing: 2, failed: 0, errors: [] });
    expect(await companiesOf(editor)).toHaveLength(2);
    // The single import before, and one for the new company: the repeat and the known one cost nothing.
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(2);
  });

  it("finds a website's company by its domain instead of creating another", async () => {
    const editor = await signedIn("editor");
    const made = await sendAs(editor, "POST", "/v1/companies", {
      name: "Known Web Ltd",
      website: "https://known.example",
    });
    expect(made.status).toBe(201);
    const response = await sendAs(editor, "POST", "/v1/imports", { websites: ["www.KNOWN.example/about"] });
    const done = await settledImport(editor, importSchema.parse(await response.json()).id);
    expect(done).toMatchObject({ created: 0, existing: 1 });
    expect(await companiesOf(editor)).toHaveLength(1);
    expect(await usedThisMonth(editor.tenant.id, "scrape_jobs")).toBe(0);
  });

  it("fails the rows past the plan's quota with quota_exceeded and imports the others", async () => {
    const editor = await signedIn("editor");
    // The free plan allows 50 imports a month: 2 remain.
    await sqlAs("owner").query(
      `INSERT INTO usage (tenant_id, metric, period, starts_on, used)
       VALUES ($1, 'companies_house_imports', 'month', date_trunc('month', now() AT TIME ZONE 'UTC')::date, 48)`,
      [editor.tenant.id],
    );
    const numbers = [companyNumber(), companyNumber(), companyNumber(), companyNumber()];
    const response = await sendAs(editor, "POST", "/v1/imports", { company_numbers: numbers });
    const done = await settledImport(editor, importSchema.parse(await response.json()).id);
    expect(done).toMatchObject({ status: "completed", created: 2, failed: 2 });
    expect(done.errors.map((e) => [e.row, e.type])).toEqual([
      [3, "quota_exceeded"],
      [4, "quota_exceeded"],
    ]);
    expect(done.errors[0]?.detail).toContain("companies_house_imports");
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(50);
    expect(await companiesOf(editor)).toHaveLength(2);
  });

  it("refuses more than 10,000 rows with a 422 and creates nothing", async () => {
    const editor = await signedIn("editor");
    const numbers = Array.from({ length: 10_001 }, (_, i) => String(i + 1).padStart(8, "0"));
    const json = await sendAs(editor, "POST", "/v1/imports", { company_numbers: numbers });
    expect(json.status).toBe(422);
    expect((await problemOf(json)).detail).toContain("at most 10000 rows");
    const csv = await postCsv(editor, `company_number\n${numbers.join("\n")}\n`);
    expect(csv.status).toBe(422);
    expect(await importsOf(editor)).toEqual([]);
    // 10,000 is allowed (all malformed here, so nothing is queued).
    const most = await sendAs(editor, "POST", "/v1/imports", { websites: Array.from({ length: 10_000 }, () => "x") });
    expect(most.status).toBe(202);
    expect(importSchema.parse(await most.json())).toMatchObject({ status: "completed", total: 10_000, failed: 10_000 });
    const errors = await importOf(editor, (await importsOf(editor))[0]?.id ?? "", "?limit=100");
    expect(errors.errors).toHaveLength(100);
    expect(errors.errors_next_cursor).not.toBeNull();
    const next = await importOf(editor, errors.id, `?limit=100&cursor=${errors.errors_next_cursor}`);
    expect(next.errors[0]?.row).toBe(101);
  });

  it.each([
    ["no rows", "application/json", JSON.stringify({ company_numbers: [] }), 422],
    ["a CSV without the columns", "text/csv", "name,number\nAcme,00000001\n", 422],
    ["a CSV with a header only", "text/csv", "company_number\n", 422],
    ["another media type", "text/plain", "00000001", 415],
    ["unknown JSON members", "application/json", JSON.stringify({ numbers: ["00000001"] }), 400],
  ])("refuses %s and creates nothing", async (_, type, body, status) => {
    const editor = await signedIn("editor");
    const sent = await call("/v1/imports", {
      method: "POST",
      headers: { ...editor.headers, "content-type": type },
      body,
    });
    expect(sent.status).toBe(status);
    expect(await importsOf(editor)).toEqual([]);
  });

  it("with an Idempotency-Key, the same request returns the same import; another body is a 422", async () => {
    const editor = await signedIn("editor");
    const key = `import-${crypto.randomUUID()}`;
    const csv = `company_number\n${companyNumber()}\n`;
    const first = await postCsv(editor, csv, { "idempotency-key": key });
    expect(first.status).toBe(202);
    const firstBody = importSchema.parse(await first.json());
    const again = await postCsv(editor, csv, { "idempotency-key": key });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(importSchema.parse(await again.json()).id).toBe(firstBody.id);
    const other = await postCsv(editor, `company_number\n${companyNumber()}\n`, { "idempotency-key": key });
    expect(other.status).toBe(422);
    expect(await importsOf(editor)).toHaveLength(1);
    await settledImport(editor, firstBody.id);
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(1);
  });

  it("is for editors; viewers read imports", async () => {
    const editor = await signedIn("editor");
    const viewer = await signedIn("viewer", editor.tenant);
    expect((await sendAs(viewer, "POST", "/v1/imports", { company_numbers: ["bad"] })).status).toBe(403);
    const made = importSchema.parse(
      await (await sendAs(editor, "POST", "/v1/imports", { company_numbers: ["bad"] })).json(),
    );
    expect((await importOf(viewer, made.id)).errors).toHaveLength(1);
    const list = await sendAs(viewer, "GET", "/v1/imports");
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([made.id]);
  });
});
