/**
 * The UK register at scale: loads ROWS (default 1,000,000) generated records in the real file
 * format into a fresh PostgreSQL through the loader (rows/s), then times each search filter of
 * GET /v1/register/companies alone and SIC section + postcode area together (p50/p95 of the
 * route's own statement shape, run as app_api), and keeps the EXPLAIN of each for the README.
 * REGISTER_BENCH_DATABASE=name keeps the database on PG_URL after the run; a later run with the
 * same name that finds ROWS companies there skips generating and loading (it still applies
 * pending migrations, and reports how long they took: the cost of a new index at that size).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { writeRegisterCsv } from "../scripts/register/generate";
import { loadRegister } from "../scripts/register/load";
import { queryWords } from "../src/routes/register/name-words";
import { similarNamesStatement } from "../src/routes/register/similar-names";
import { freshPostgres } from "./fresh-postgres";

const SELECT_COLUMNS = "company_number, name, status, category, incorporation_date::text, address, sic_codes";
const SELECT = `select ${SELECT_COLUMNS}, name_key collate "C" as lname from register_companies`;
const ORDER = `order by name_key collate "C", company_number limit 26`;
/** The route's similar-name statement (src/routes/register/similar-names.ts), as SQL text. */
const similarStatement = (name: string) => {
  const query = new PgDialect().sqlToQuery(
    similarNamesStatement({
      name,
      words: queryWords(name),
      columns: sql.raw(`${SELECT_COLUMNS}, name_key collate "C" as lname, name_key <-> '${name}' as distance`),
      where: sql`gone_at is null`,
      rows: 26,
    }),
  );
  return { text: query.sql, values: query.params };
};
const SIMILAR: Record<string, string> = {
  "name similar": "bright harbour software",
  // Every name with "software" (about 1 in 21 here) is a candidate.
  "name similar, one common word": "software",
};
const FILTERS: Record<string, string> = {
  "name prefix": `name_key collate "C" >= 'bright' and name_key collate "C" < 'bright\u{10FFFF}'`,
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
  const prepared = performance.now();
  const db = await freshPostgres("register", process.env.REGISTER_BENCH_DATABASE || undefined);
  const prepareSeconds = (performance.now() - prepared) / 1000;
  try {
    const client = new pg.Client({ connectionString: db.databaseUrl });
    await client.connect();
    const [present] = (await client.query("select count(*)::int as n from register_companies")).rows;
    let loaded: Record<string, number> = { prepare_seconds: Number(prepareSeconds.toFixed(1)) };
    if (present.n !== rows) {
      // Fewer: a kept database whose load was cut, which loading the same file again resumes.
      if (present.n > rows) throw new Error(`the kept database has ${present.n} register rows, not ${rows}`);
      const file = join(dir, "BasicCompanyData-bench.csv");
      const generated = performance.now();
      await writeRegisterCsv(file, { rows });
      const generateSeconds = (performance.now() - generated) / 1000;
      // A cut load resumes (that is the loader's design): on this shared machine the local Neon
      // server's HTTP connection has dropped mid-load, so a failed run is resumed and counted.
      let interruptions = 0;
      const started = performance.now();
      let load: Awaited<ReturnType<typeof loadRegister>> | undefined;
      while (!load) {
        try {
          load = await loadRegister({ file, connectionString: db.database.ownerUrl, progressEveryMs: 15_000 });
        } catch (error) {
          if (++interruptions > 50) throw error;
          const causes: string[] = [];
          for (let e: unknown = error; e instanceof Error; e = e.cause) causes.push(`${e.name}: ${e.message}`);
          console.log(`register: load interrupted (${causes.join(" ← ")}), resuming`);
        }
      }
      const loadSeconds = (performance.now() - started) / 1000;
      loaded = {
        generate_seconds: Number(generateSeconds.toFixed(1)),
        load_seconds: Number(loadSeconds.toFixed(1)),
        // Rows this run loaded (a resumed kept database had some already).
        load_rows_per_second: Math.round((rows - present.n) / loadSeconds),
        load_interruptions: interruptions,
      };
    } else {
      // prepare_seconds: the migrations the kept database did not have yet, on `rows` rows.
      console.log(`register: reusing ${rows} rows, migrations took ${prepareSeconds.toFixed(1)} s`);
    }
    await client.query("analyze register_companies");
    await client.end();
    // Logged in as the API's role, as the Worker's statements run, so its settings apply.
    const api = new pg.Client({
      connectionString: Object.assign(new URL(db.databaseUrl), { username: "app_api", password: "" }).toString(),
    });
    await api.connect();
    const searches: Record<string, unknown> = {};
    const statements: [string, { text: string; values?: unknown[] }][] = [
      ...Object.entries(FILTERS).map(([name, filter]): [string, { text: string }] => [
        name,
        { text: `${SELECT} where gone_at is null and ${filter} ${ORDER}` },
      ]),
      ...Object.entries(SIMILAR).map(([name, query]): [string, { text: string; values: unknown[] }] => [
        name,
        similarStatement(query),
      ]),
    ];
    for (const [name, statement] of statements) {
      const times: number[] = [];
      let found = 0;
      for (let i = 0; i < 25; i++) {
        const started = performance.now();
        found = (await api.query(statement)).rowCount ?? 0;
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const explain = { ...statement, text: `explain (analyze, costs off, timing off, summary on) ${statement.text}` };
      const plan = (await api.query(explain)).rows.map((row: Record<string, string>) => row["QUERY PLAN"]).join("\n");
      searches[name] = {
        rows: found,
        p50_ms: Number(times[12]?.toFixed(2)),
        p95_ms: Number(times[23]?.toFixed(2)),
        plan,
      };
    }
    await api.end();
    return { rows, ...loaded, searches };
  } finally {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
}
