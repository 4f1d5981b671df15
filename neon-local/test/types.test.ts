/**
 * Values survive the round trip driver → neon-local → Postgres → driver exactly
 * as with Neon: the server returns Postgres' text output and the real type
 * OIDs, and the driver's own parsers turn them into JS values.
 */
import pg, { type FieldDef, type CustomTypesConfig as PgTypesConfig, type QueryArrayResult } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendCases, type Harness, rawTypes, startHarness } from "./harness";

/** One column per common type; the raw text below is what Postgres prints for each (TimeZone=UTC). */
const TYPES_QUERY = `SELECT
  1::int2 AS i2, 2147483647::int4 AS i4, 9007199254740993::int8 AS i8,
  12345678901234567890.123456789::numeric AS num, 0.1::float8 AS f8, true AS b,
  'héllo ☃ "q" ''s'' \\ back'::text AS t, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u,
  '2024-02-29'::date AS d, '2024-02-29 12:34:56.789+02'::timestamptz AS ts,
  '1 year 2 months 3 days 04:05:06.5'::interval AS iv,
  '{"a": [1, 2],  "b": null}'::json AS j, '{"b": null, "a": [1, 2]}'::jsonb AS jb,
  ARRAY[1, 2, NULL]::int4[] AS ia, ARRAY['a', 'b c', 'd"e', NULL]::text[] AS ta,
  '\\x00ff10'::bytea AS by, NULL::text AS n`;

const EXPECTED_RAW: Record<string, string | null> = {
  i2: "1",
  i4: "2147483647",
  i8: "9007199254740993",
  num: "12345678901234567890.123456789",
  f8: "0.1",
  b: "t",
  t: "héllo ☃ \"q\" 's' \\ back",
  u: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
  d: "2024-02-29",
  ts: "2024-02-29 10:34:56.789+00",
  iv: "1 year 2 mons 3 days 04:05:06.5",
  j: '{"a": [1, 2],  "b": null}',
  jb: '{"a": [1, 2], "b": null}',
  ia: "{1,2,NULL}",
  ta: '{a,"b c","d\\"e",NULL}',
  by: "\\x00ff10",
  n: null,
};

const EXPECTED_OIDS = [21, 23, 20, 1700, 701, 16, 25, 2950, 1082, 1184, 1186, 114, 3802, 1007, 1009, 17, 25];

describe.each(backendCases)("types over neon-local ($name)", (backendCase) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backendCase);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("returns Postgres' exact text output and real type OIDs", async () => {
    const sql = h.sql();
    // SET LOCAL keeps the time zone change inside this one transaction.
    const [, result] = await sql.transaction(
      [sql`SET LOCAL TimeZone = 'UTC'`, sql.query(TYPES_QUERY, [], { types: rawTypes })],
      { fullResults: true },
    );
    expect(result?.rows[0]).toEqual(EXPECTED_RAW);
    expect(result?.fields.map((f) => f.dataTypeID)).toEqual(EXPECTED_OIDS);
    expect(result?.fields.every((f) => f.format === "text")).toBe(true);
    expect(result?.command).toBe("SELECT");
    expect(result?.rowCount).toBe(1);
  });

  it("parses every common type as the driver's default parsers do", async () => {
    const [row] = await h.sql().query(TYPES_QUERY);
    expect(row).toEqual({
      i2: 1,
      i4: 2147483647,
      i8: "9007199254740993",
      num: "12345678901234567890.123456789",
      f8: 0.1,
      b: true,
      t: "héllo ☃ \"q\" 's' \\ back",
      u: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      // pg-types parses a date as local midnight.
      d: new Date(2024, 1, 29),
      ts: new Date("2024-02-29T10:34:56.789Z"),
      iv: expect.objectContaining({
        years: 1,
        months: 2,
        days: 3,
        hours: 4,
        minutes: 5,
        seconds: 6,
        milliseconds: 500,
      }),
      j: { a: [1, 2], b: null },
      jb: { a: [1, 2], b: null },
      ia: [1, 2, null],
      ta: ["a", "b c", 'd"e', null],
      by: Buffer.from([0x00, 0xff, 0x10]),
      n: null,
    });
  });

  it("sends params as untyped text that Postgres casts or infers", async () => {
    const sql = h.sql();
    const when = new Date("2024-01-02T03:04:05.678Z");
    const text = "line1\nline2\t'quoted' \"double\" \\ ☃ 🙂";
    const [row] = await sql`SELECT
      ${null}::text AS null_text, ${null}::int AS null_int,
      ${"42"}::int + 1 AS cast_int, ${41} + 1 AS inferred_int, ${"9007199254740993"}::int8 AS big,
      ${true}::bool AS bool, ${when}::timestamptz AS ts, ${Buffer.from([1, 2, 255])}::bytea AS bytes,
      ${[1, 2, 3]}::int[] AS ints, ${["a,b", 'c"d', null, "NULL"]}::text[] AS texts,
      ${{ a: 1, nested: { b: "x" } }}::jsonb AS obj, ${text} AS text,
      ${"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}::uuid AS uuid, ${"12.50"}::numeric AS num`;
    expect(row).toEqual({
      null_text: null,
      null_int: null,
      cast_int: 43,
      inferred_int: 42,
      big: "9007199254740993",
      bool: true,
      ts: when,
      bytes: Buffer.from([1, 2, 255]),
      ints: [1, 2, 3],
      texts: ["a,b", 'c"d', null, "NULL"],
      obj: { a: 1, nested: { b: "x" } },
      text,
      uuid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      num: "12.50",
    });
  });

  it("reports an invalid param value as a Postgres error", async () => {
    await expect(h.sql()`SELECT ${"not a number"}::int`).rejects.toMatchObject({
      name: "NeonDbError",
      code: "22P02",
    });
  });

  it("describes table columns: table/column ids and type modifiers", async () => {
    const table = h.unique("nl_types");
    await h.createTable(
      table,
      `CREATE TABLE ${table} (id serial PRIMARY KEY, code varchar(10) NOT NULL, at timestamptz)`,
    );
    const sql = h.sql();
    const inserted = await sql.query(
      `INSERT INTO ${table} (code, at) VALUES ($1, $2), ($3, NULL) RETURNING id, code, at`,
      ["abc", "2024-05-06T07:08:09Z", "def"],
      { fullResults: true },
    );
    expect(inserted.command).toBe("INSERT");
    expect(inserted.rowCount).toBe(2);
    expect(inserted.rows).toEqual([
      { id: 1, code: "abc", at: new Date("2024-05-06T07:08:09Z") },
      { id: 2, code: "def", at: null },
    ]);
    const [{ oid }] = (await sql.query(`SELECT '${table}'::regclass::oid AS oid`)) as [{ oid: number }];
    expect(inserted.fields.map((f) => [f.name, f.tableID, f.columnID, f.dataTypeID, f.dataTypeModifier])).toEqual([
      ["id", oid, 1, 23, -1],
      ["code", oid, 2, 1043, 14], // varchar(10): typmod = 10 + 4
      ["at", oid, 3, 1184, -1],
    ]);

    const updated = await sql.query(`UPDATE ${table} SET code = upper(code)`, [], { fullResults: true });
    expect([updated.command, updated.rowCount]).toEqual(["UPDATE", 2]);
    const deleted = await sql.query(`DELETE FROM ${table} WHERE id = $1`, [2], { fullResults: true });
    expect([deleted.command, deleted.rowCount]).toEqual(["DELETE", 1]);
    const selected = await sql.query(`SELECT code FROM ${table}`, [], { fullResults: true });
    expect([selected.command, selected.rowCount, selected.rows]).toEqual(["SELECT", 1, [{ code: "ABC" }]]);
  });

  it.runIf(process.env.NEON_LOCAL_TEST_DATABASE_URL)(
    "matches a real Postgres byte for byte (NEON_LOCAL_TEST_DATABASE_URL)",
    async () => {
      const client = new pg.Client({ connectionString: process.env.NEON_LOCAL_TEST_DATABASE_URL });
      await client.connect();
      let direct: QueryArrayResult<(string | null)[]>;
      try {
        await client.query("BEGIN");
        await client.query("SET LOCAL TimeZone = 'UTC'");
        direct = await client.query({
          text: TYPES_QUERY,
          rowMode: "array",
          types: rawTypes as unknown as PgTypesConfig,
        });
        await client.query("COMMIT");
      } finally {
        await client.end();
      }
      const sql = h.sql();
      const [, viaNeonLocal] = await sql.transaction(
        [sql`SET LOCAL TimeZone = 'UTC'`, sql.query(TYPES_QUERY, [], { types: rawTypes })],
        { fullResults: true, arrayMode: true },
      );
      expect(viaNeonLocal?.rows).toEqual(direct.rows);
      const describe = (fields: FieldDef[]) =>
        fields.map((f) => [f.name, f.dataTypeID, f.dataTypeSize, f.dataTypeModifier]);
      expect(describe(viaNeonLocal?.fields ?? [])).toEqual(describe(direct.fields));
    },
  );
});
