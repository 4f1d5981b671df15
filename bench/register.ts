/**
 * The UK register at scale: loads ROWS (default 1,000,000) generated records in the real file
 * format into a fresh PostgreSQL through the loader (rows/s), then times each search filter of
 * GET /v1/register/companies alone and SIC section + postcode area together (p50/p95 of the
 * route's own statement shape, run as app_api), and keeps the EXPLAIN of each for the README.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { writeRegisterCsv } from "../scripts/register/generate";
import { loadRegister } from "../scripts/register/load";
import { freshPostgres } from "./fresh-postgres";

const SELECT = `select company_number, name, status, category, incorporation_date::text, address, sic_codes,
  name_key collate "C" as lname from register_companies`;
const ORDER = `order by name_key collate "C", company_number limit 26`;
const FILTERS: Record<string, string> = {
  "name prefix": `name_key collate "C" >= 'bright' and name_key collate "C" < 'bright\u{10FFFF}'`,
  "name similar": `name_key % 'bright harbour software'`,
  "sic code": `sic_codes && array['62012']`,
  "sic section": `sic_sections && array['J']`,
  "postcode area": `postcode_area = 'LS'`,
  "postcode district": `postcode_district = 'LS7'`,
  "postcode prefix": `postcode ~>=~ 'LS71' and postcode ~<~ 'LS71\u{10FFFF}'`,
  status: `status = 'Liquidation'`,
  category: `category = 'Limited Liability Partnership'`,
  incorporated: `incorporation_date between '2023-01-01' and '2023-12-31'`,
  "sic section + postcode area": `sic_sections && array['J'] and postcode_area = 'LS'`,
};

export async function registerScenario(): Promise<Record<string, unknown>> {
  const rows = Number(process.env.REGISTER_ROWS ?? 1_000_000);
  const dir = await mkdtemp(join(tmpdir(), "register-bench-"));
  const db = await freshPostgres("register");
  try {
    const file = join(dir, "BasicCompanyData-bench.csv");
    const generated = performance.now();
    await writeRegisterCsv(file, { rows });
    const generateSeconds = (performance.now() - generated) / 1000;
    const load = await loadRegister({ file, connectionString: db.database.ownerUrl, progressEveryMs: 15_000 });

    const client = new pg.Client({ connectionString: db.databaseUrl });
    await client.connect();
    await client.query("analyze register_companies");
    await client.query("set role app_api");
    const searches: Record<string, unknown> = {};
    for (const [name, filter] of Object.entries(FILTERS)) {
      const statement =
        name === "name similar"
          ? `select * from (${SELECT.replace(" from ", ", name_key <-> 'bright harbour software' as distance from ")}
               where gone_at is null and ${filter} order by name_key <-> 'bright harbour software'
               fetch first 26 rows with ties) nearest order by distance, lname, company_number limit 26`
          : `${SELECT} where gone_at is null and ${filter} ${ORDER}`;
      const times: number[] = [];
      let found = 0;
      for (let i = 0; i < 25; i++) {
        const started = performance.now();
        found = (await client.query(statement)).rowCount ?? 0;
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const plan = (await client.query(`explain (analyze, costs off, timing off, summary on) ${statement}`)).rows
        .map((row: Record<string, string>) => row["QUERY PLAN"])
        .join("\n");
      searches[name] = {
        rows: found,
        p50_ms: Number(times[12]?.toFixed(2)),
        p95_ms: Number(times[23]?.toFixed(2)),
        plan,
      };
    }
    await client.end();
    return {
      rows,
      generate_seconds: Number(generateSeconds.toFixed(1)),
      load_seconds: Number(load.seconds.toFixed(1)),
      load_rows_per_second: Math.round(load.records / load.seconds),
      searches,
    };
  } finally {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
}
