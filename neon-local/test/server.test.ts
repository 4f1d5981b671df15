/**
 * HTTP-level behaviour of the local Neon server: result shapes, malformed
 * requests, the /__stats counters tests rely on, and drizzle's neon-http driver.
 */
import { neon } from "@neondatabase/serverless";
import { sql as dsql, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { integer, jsonb, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestRecorder, requestIdOf } from "../stats";
import { backendCases, type Harness, startHarness } from "./harness";

describe("requestIdOf", () => {
  it("reads request_id from a leading sqlcommenter comment only", () => {
    expect(requestIdOf("/* request_id='abc-1' */ SELECT 1")).toBe("abc-1");
    expect(requestIdOf("  /*route='%2Fv1%2Fx',request_id='a%20b'*/\nSELECT 1")).toBe("a b");
    expect(requestIdOf("SELECT 1 /* request_id='late' */")).toBeUndefined();
    expect(requestIdOf("/* other='x' */ SELECT 1")).toBeUndefined();
    expect(requestIdOf("/* request_id='it\\'s' */ SELECT 1")).toBe("it's");
  });
});

describe("RequestRecorder (--record)", () => {
  const request = (id: string, batch: boolean) => ({
    user: "app_api",
    queries: [{ query: `/* request_id='${id}' */ SELECT $1`, params: ["v"] }],
    batch,
    readOnly: true,
    arrayMode: false,
  });

  it("keeps what a request sent by its id: the transaction's BEGIN and the statements with parameters", () => {
    const recorder = new RequestRecorder();
    recorder.record(request("batch-1", true));
    recorder.record(request("single-1", false));
    recorder.record({ ...request("x", true), queries: [{ query: "SELECT 1", params: [] }] });
    expect(recorder.get("batch-1")).toEqual({
      begin: "BEGIN READ ONLY",
      queries: [{ query: "/* request_id='batch-1' */ SELECT $1", params: ["v"] }],
    });
    expect(recorder.get("single-1")?.begin).toBeNull();
    expect(recorder.get("x")).toBeUndefined();
  });

  it("forgets the oldest beyond its latest 100", () => {
    const recorder = new RequestRecorder();
    for (let i = 0; i < 101; i++) recorder.record(request(`r-${i}`, true));
    expect(recorder.get("r-0")).toBeUndefined();
    expect(recorder.get("r-1")).toBeDefined();
    expect(recorder.get("r-100")).toBeDefined();
  });
});

describe.each(backendCases)("neon-local HTTP server ($name)", (backendCase) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backendCase);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("returns full results in object and array mode", async () => {
    const sql = h.sql();
    const objects = await sql.query("SELECT 1 AS a, 'x' AS b", [], { fullResults: true });
    expect(objects).toMatchObject({
      command: "SELECT",
      rowCount: 1,
      rowAsArray: false,
      rows: [{ a: 1, b: "x" }],
      fields: [
        { name: "a", dataTypeID: 23, tableID: 0, columnID: 0, dataTypeSize: 4, dataTypeModifier: -1, format: "text" },
        { name: "b", dataTypeID: 25, tableID: 0, columnID: 0, dataTypeSize: -1, dataTypeModifier: -1, format: "text" },
      ],
    });
    const arrays = await sql.query("SELECT 1 AS a, 'x' AS b", [], { fullResults: true, arrayMode: true });
    expect(arrays).toMatchObject({ rowAsArray: true, rows: [[1, "x"]] });
    expect(await sql.query("SELECT 1 AS a, 'x' AS b", [], { arrayMode: true })).toEqual([[1, "x"]]);
  });

  it("honours Neon-Array-Mode: false (rows as objects) and a per-query arrayMode", async () => {
    const single = await h.post(JSON.stringify({ query: "SELECT $1::int AS n, NULL AS z", params: ["7"] }), {
      "Neon-Array-Mode": "false",
    });
    expect(single.status).toBe(200);
    expect(single.headers.get("content-type")).toBe("application/json");
    expect(await single.json()).toMatchObject({ rowAsArray: false, rows: [{ n: "7", z: null }], command: "SELECT" });

    const batch = await h.post(
      JSON.stringify({ queries: [{ query: "SELECT 1 AS n" }, { query: "SELECT 2 AS n", arrayMode: true }] }),
    );
    expect(await batch.json()).toMatchObject({
      results: [
        { rowAsArray: false, rows: [{ n: "1" }] },
        { rowAsArray: true, rows: [["2"]] },
      ],
    });
  });

  it("accepts non-string JSON params the way Neon converts them", async () => {
    const response = await h.post(
      JSON.stringify({
        query: "SELECT $1::int + 1 AS n, $2::bool AS b, $3::int[] AS a, $4::jsonb ->> 'k' AS j",
        params: [41, true, [1, null, 3], { k: "v" }],
      }),
      { "Neon-Array-Mode": "true" },
    );
    expect(await response.json()).toMatchObject({ rows: [["42", "t", "{1,NULL,3}", "v"]] });
  });

  it("reports command and rowCount like Neon for statements without rows", async () => {
    const sql = h.sql();
    const table = h.unique("nl_cmd");
    const created = await sql.query(`CREATE TABLE ${table} (x int)`, [], { fullResults: true });
    expect(created).toMatchObject({ command: "CREATE", rowCount: null, fields: [], rows: [] });
    await sql.query(`DROP TABLE ${table}`);
    const empty = await sql.query("", [], { fullResults: true });
    expect(empty).toMatchObject({ command: "", rowCount: null, rows: [] });
  });

  it("answers malformed requests with 4xx {message}", async () => {
    const badJson = await h.post("{not json");
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ message: "request body is not valid JSON" });

    const noQuery = await h.post(JSON.stringify({ sql: "SELECT 1" }));
    expect(noQuery.status).toBe(400);

    const noConnection = await fetch(h.endpoint, { method: "POST", body: JSON.stringify({ query: "SELECT 1" }) });
    expect(noConnection.status).toBe(400);
    expect(await noConnection.json()).toEqual({ message: "missing Neon-Connection-String header" });

    const badUrl = await h.post(JSON.stringify({ query: "SELECT 1" }), { "Neon-Connection-String": "mysql://x@y/z" });
    expect(badUrl.status).toBe(400);

    const badIsolation = await h.post(JSON.stringify({ queries: [] }), { "Neon-Batch-Isolation-Level": "Chaos" });
    expect(badIsolation.status).toBe(400);
    expect(await badIsolation.json()).toEqual({ message: "invalid isolation level" });

    const base = h.endpoint.replace(/\/sql$/, "");
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect((await fetch(h.endpoint)).status).toBe(405);
    expect(await (await fetch(`${base}/__health`)).json()).toEqual({ ok: true, backend: h.backend });
  });

  it("answers a Postgres error with 400 and only the fields Postgres sent", async () => {
    const response = await h.post(JSON.stringify({ query: "SELECT * FROM nl_missing_table" }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      message: 'relation "nl_missing_table" does not exist',
      code: "42P01",
      position: "15",
    });
    expect(Object.values(body).every((v) => typeof v === "string")).toBe(true);
    expect(body).not.toHaveProperty("constraint");
  });

  it("counts /sql requests by the request_id of their first statement", async () => {
    const sql = h.sql();
    const id = h.unique("req");
    const other = h.unique("other");
    const before = await h.stats();
    await Promise.all([
      sql.query(`/* request_id='${id}' */ SELECT 1`),
      sql.transaction([sql.query(`/* request_id='${id}' */ SELECT 1`), sql.query("SELECT 2")]),
      // Only the FIRST statement of a request counts.
      sql.transaction([sql.query("SELECT 1"), sql.query(`/* request_id='${id}' */ SELECT 2`)]),
      sql.query(`/* request_id='${other}' */ SELECT 1`),
      // Failing requests are round trips too.
      sql.query(`/* request_id='${id}' */ SELECT * FROM nl_missing_table`).catch(() => undefined),
    ]);
    expect((await h.stats(id)).byRequestId).toBe(3);
    expect((await h.stats(other)).byRequestId).toBe(1);
    expect((await h.stats("never-seen")).byRequestId).toBe(0);
    expect((await h.stats()).requests - before.requests).toBe(5);
  });

  it.runIf(backendCase.name === "pglite")("ships the pg_trgm and pgcrypto extensions", async () => {
    const sql = h.sql();
    await sql.query("CREATE EXTENSION IF NOT EXISTS pg_trgm");
    await sql.query("CREATE EXTENSION IF NOT EXISTS pgcrypto");
    const [row] = await sql.query(
      "SELECT similarity('detecktiv', 'detektiv') > 0.5 AS similar, encode(digest('abc', 'sha256'), 'hex') AS sha",
    );
    expect(row).toEqual({
      similar: true,
      sha: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    });
  });

  it("works with drizzle's neon-http driver", async () => {
    const name = h.unique("nl_drizzle");
    const items = pgTable(name, {
      id: serial("id").primaryKey(),
      title: text("title").notNull(),
      tags: text("tags").array().notNull(),
      meta: jsonb("meta").$type<{ score: number }>(),
      qty: integer("qty"),
      createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    });
    await h.createTable(
      name,
      `CREATE TABLE ${name} (id serial PRIMARY KEY, title text NOT NULL, tags text[] NOT NULL, meta jsonb, qty int,
        created_at timestamptz NOT NULL DEFAULT now())`,
    );
    const db = drizzle({ client: neon(h.url()) });
    const [inserted] = await db
      .insert(items)
      .values({ title: "Ada", tags: ["a", "b c"], meta: { score: 3 }, qty: 2 })
      .returning();
    expect(inserted).toMatchObject({ id: 1, title: "Ada", tags: ["a", "b c"], meta: { score: 3 }, qty: 2 });
    expect(inserted?.createdAt).toBeInstanceOf(Date);

    const [, rows] = await db.batch([
      db
        .update(items)
        .set({ qty: dsql`${items.qty} + 1` })
        .where(eq(items.id, 1)),
      db.select({ title: items.title, qty: items.qty }).from(items).where(eq(items.title, "Ada")),
    ]);
    expect(rows).toEqual([{ title: "Ada", qty: 3 }]);
    const result = await db.execute(dsql`SELECT count(*)::int AS n FROM ${items}`);
    expect(result.rows).toEqual([{ n: 1 }]);
  });
});
