import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDatabase, startLocalDatabase } from "../../../neon-local/local-database";
import { applyMigrations } from "../../../scripts/db/migrate";
import { REGISTER_HEADER } from "../../../scripts/register/format";
import { generatedNumber, registerLines, writeRegisterCsv, zipOf } from "../../../scripts/register/generate";
import { loadRegister } from "../../../scripts/register/load";
import { SIC_CODES, SIC_SECTIONS } from "../../../src/reference/sic-2007";

/** `npm run register:load` against a fresh in-memory PGlite behind the local Neon server. */
describe("register loader", () => {
  let database: LocalDatabase;
  let dir: string;
  const quiet = () => {};

  beforeAll(async () => {
    database = await startLocalDatabase();
    neonConfig.fetchEndpoint = database.fetchEndpoint;
    await applyMigrations({ connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint }, quiet);
    dir = await mkdtemp(join(tmpdir(), "register-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await database.close();
  });

  const owner = () => neon(database.ownerUrl);
  const load = (file: string, extra: Partial<Parameters<typeof loadRegister>[0]> = {}) =>
    loadRegister({ file, connectionString: database.ownerUrl, batchSize: 100, log: quiet, ...extra });
  const live = async () =>
    (await owner().query("select count(*)::int as n from register_companies where gone_at is null"))[0]?.n;

  it("writes the real header, leading spaces and all", async () => {
    const [header] = registerLines({ rows: 0 });
    expect(header?.startsWith("CompanyName, CompanyNumber,RegAddress.CareOf")).toBe(true);
    expect(header).toContain(",ConfStmtNextDueDate, ConfStmtLastMadeUpDate");
    expect(REGISTER_HEADER).toHaveLength(55);
  });

  it("loads a generated file: rows, dates, postcodes and SIC sections as the API reads them", async () => {
    const file = join(dir, "first.csv");
    await writeRegisterCsv(file, { rows: 1000 });
    const result = await load(file);
    expect(result).toMatchObject({ records: 1000, inserted: 1000, updated: 0, rejected: 0, finished: true });
    expect(await live()).toBe(1000);

    const csv = await readFile(file, "utf8");
    const line = csv.split("\n")[1] ?? "";
    const incorporated = /"(\d{2})\/(\d{2})\/(\d{4})"/.exec(line);
    const [row] = await owner().query(
      "select * , incorporation_date::text as inc from register_companies where company_number = $1",
      [generatedNumber(0)],
    );
    expect(row?.inc).toBe(`${incorporated?.[3]}-${incorporated?.[2]}-${incorporated?.[1]}`);
    expect(row?.postcode).toMatch(/^[A-Z]{1,2}\d{1,2}\d[A-Z]{2}$/);
    expect(row?.postcode.startsWith(row?.postcode_district)).toBe(true);
    expect(row?.postcode_district.startsWith(row?.postcode_area)).toBe(true);
    expect(row?.sic_codes.length).toBeGreaterThan(0);
    // A quoted name with a comma and quotes inside survives (record 5 has one).
    const [tricky] = await owner().query("select name from register_companies where company_number = $1", [
      generatedNumber(5),
    ]);
    expect(tricky?.name).toContain(', "THE" ');
  });

  it("loads the zip Companies House ships, and leaves an unchanged file's rows alone", async () => {
    const csv = join(dir, "first.csv");
    const zip = join(dir, "BasicCompanyDataAsOneFile.zip");
    await writeFile(zip, zipOf("BasicCompanyDataAsOneFile-2026-12-01.csv", await readFile(csv)));
    const result = await load(zip);
    expect(result).toMatchObject({ records: 1000, inserted: 0, updated: 0, unchanged: 1000, markedGone: 0 });
  });

  it("resumes a cut load where its last batch committed, and counts each record once", async () => {
    const file = join(dir, "second.csv");
    // Next month: 1,200 companies, 50 renamed, the first 30 gone.
    await writeRegisterCsv(file, { rows: 1200, omit: (i) => i < 30, rename: (i) => i % 20 === 3 });
    const cut = await load(file, { stopAfterBatches: 4 });
    expect(cut.finished).toBe(false);
    expect(cut.records).toBe(400);

    const resumed = await load(file);
    expect(resumed.loadId).toBe(cut.loadId);
    expect(resumed.resumedFrom).toBe(401); // the header, then 400 records
    expect(resumed.finished).toBe(true);
    const [counts] = await owner().query(
      "select lines_done::int, inserted::int, updated::int, unchanged::int, marked_gone::int from register_loads where id = $1",
      [cut.loadId],
    );
    // 1,170 records: 200 new (1000..1199), renamed ones among the old are changed, the rest unchanged.
    const renamedOld = Array.from({ length: 970 }, (_, k) => k + 30).filter((i) => i % 20 === 3).length;
    expect(counts).toEqual({
      lines_done: 1171,
      inserted: 200,
      updated: renamedOld,
      unchanged: 970 - renamedOld,
      marked_gone: 30,
    });
    expect(await live()).toBe(1170);
    const [renamed] = await owner().query("select name from register_companies where company_number = $1", [
      generatedNumber(43),
    ]);
    expect(renamed?.name).toContain(" RENAMED ");
    const [gone] = await owner().query("select gone_at from register_companies where company_number = $1", [
      generatedNumber(0),
    ]);
    expect(gone?.gone_at).not.toBeNull();
  });

  it("reports malformed records one by one and loads the rest", async () => {
    const file = join(dir, "malformed.csv");
    const bad = new Set([10, 11, 12]);
    const lines = [...registerLines({ rows: 1200, malformed: (i) => bad.has(i) })];
    lines.splice(50, 0, '"UNTERMINATED LTD","09999999,"x"'); // a broken quote
    await writeFile(file, `${lines.join("\r\n")}\r\n`);
    const result = await load(file);
    expect(result.finished).toBe(true);
    expect(result.rejected).toBe(4);
    const errors = await owner().query(
      "select line::int, message from register_load_errors where load_id = $1 order by line",
      [result.loadId],
    );
    expect(errors.map((e) => e.line)).toEqual([12, 13, 14, 51]);
    expect(errors[0]?.message).toMatch(/IncorporationDate: "31\/02\/2019" is not a dd\/mm\/yyyy date/);
    expect(errors[1]?.message).toMatch(/CompanyNumber/);
    expect(errors[2]?.message).toMatch(/has 7 fields, the header 55/);
    expect(errors[3]?.message).toMatch(/CSV/);
  });

  it("refuses to mark most of the register gone from a file that looks cut short", async () => {
    const file = join(dir, "short.csv");
    await writeRegisterCsv(file, { rows: 100 });
    await expect(load(file)).rejects.toThrow(/cut short/);
    expect(await live()).toBeGreaterThan(1000);
  });

  it("is read-only reference data for the API role; SIC 2007 is loaded in full", async () => {
    const api = neon(database.apiUrl);
    await expect(api.query("update register_companies set name = 'X'")).rejects.toThrow(/permission denied/);
    await expect(api.query("insert into sic_codes values ('00000', 'x', 'A')")).rejects.toThrow(/permission denied/);
    const [n] = await api.query("select count(*)::int as n from register_companies");
    expect(n?.n).toBeGreaterThan(1000);
    const codes = await api.query("select code, description, section from sic_codes order by code");
    expect(codes).toEqual(SIC_CODES.map(({ code, description, section }) => ({ code, description, section })));
    expect(codes).toHaveLength(731);
    const sections = await api.query("select section, title from sic_sections order by section");
    expect(sections.map((s) => s.section)).toEqual(Object.keys(SIC_SECTIONS));
  });
});
