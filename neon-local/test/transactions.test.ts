/**
 * Postgres errors reach the driver as NeonDbError with all their fields, and
 * batches (`sql.transaction`) are one transaction with the requested options.
 */
import { NeonDbError } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendCases, type Harness, startHarness } from "./harness";

async function caught(promise: Promise<unknown>): Promise<NeonDbError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NeonDbError) return error;
    throw error;
  }
  throw new Error("expected the query to fail");
}

describe.each(backendCases)("errors and transactions over neon-local ($name)", (backendCase) => {
  let h: Harness;
  let users: string;
  beforeAll(async () => {
    h = await startHarness(backendCase);
    users = h.unique("nl_users");
    await h.createTable(
      users,
      `CREATE TABLE ${users} (id int PRIMARY KEY, email text NOT NULL CONSTRAINT ${users}_email_key UNIQUE)`,
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it("reports a unique violation with code, constraint, table and detail", async () => {
    const sql = h.sql();
    await sql`INSERT INTO ${sql.unsafe(users)} VALUES (1, 'a@example.test')`;
    const error = await caught(sql`INSERT INTO ${sql.unsafe(users)} VALUES (2, ${"a@example.test"})`);
    expect(error.message).toBe(`duplicate key value violates unique constraint "${users}_email_key"`);
    expect(error).toMatchObject({
      severity: "ERROR",
      code: "23505",
      constraint: `${users}_email_key`,
      table: users,
      schema: "public",
      detail: "Key (email)=(a@example.test) already exists.",
    });
    // Fields Postgres did not send stay undefined, as with Neon.
    expect(error.hint).toBeUndefined();
    expect(error.position).toBeUndefined();
  });

  it("reports a syntax error with its position", async () => {
    const error = await caught(h.sql().query("SELECT 1 FORM nowhere"));
    expect(error.code).toBe("42601");
    expect(error.message).toBe('syntax error at or near "nowhere"');
    expect(error.position).toBe("15");
  });

  it("reports a not-null violation with its column", async () => {
    const error = await caught(h.sql().query(`INSERT INTO ${users} (id, email) VALUES (99, NULL)`));
    expect(error).toMatchObject({ code: "23502", column: "email", table: users });
  });

  it("carries hint, detail and where of an error raised in PL/pgSQL", async () => {
    const error = await caught(
      h.sql().query("DO $$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = 'the detail', HINT = 'try again'; END $$"),
    );
    expect(error).toMatchObject({ message: "boom", code: "P0001", detail: "the detail", hint: "try again" });
    expect(error.where).toContain("PL/pgSQL function inline_code_block");
  });

  it("rejects several statements in one query, like Neon's extended protocol", async () => {
    const error = await caught(h.sql().query("SELECT 1; SELECT 2"));
    expect(error.code).toBe("42601");
    expect(error.message).toBe("cannot insert multiple commands into a prepared statement");
  });

  it("keeps serving normally after an error", async () => {
    const sql = h.sql();
    await caught(sql.query("SELECT * FROM nl_no_such_table"));
    expect(await sql.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("commits a successful batch and returns one result per query", async () => {
    const sql = h.sql();
    const results = await sql.transaction([
      sql`INSERT INTO ${sql.unsafe(users)} VALUES (10, 'b@example.test') RETURNING id`,
      sql`INSERT INTO ${sql.unsafe(users)} VALUES (11, 'c@example.test') RETURNING id`,
      sql`SELECT count(*)::int AS n FROM ${sql.unsafe(users)} WHERE id IN (10, 11)`,
    ]);
    expect(results).toEqual([[{ id: 10 }], [{ id: 11 }], [{ n: 2 }]]);
  });

  it("rolls back the whole batch when one statement fails", async () => {
    const sql = h.sql();
    const error = await caught(
      sql.transaction([
        sql`INSERT INTO ${sql.unsafe(users)} VALUES (20, 'd@example.test')`,
        sql`INSERT INTO ${sql.unsafe(users)} VALUES (21, 'd@example.test')`,
      ]),
    );
    expect(error.code).toBe("23505");
    expect(await sql`SELECT id FROM ${sql.unsafe(users)} WHERE id IN (20, 21)`).toEqual([]);
  });

  it("reports an error raised at COMMIT (deferred constraint) and rolls back", async () => {
    const table = h.unique("nl_deferred");
    await h.createTable(
      table,
      `CREATE TABLE ${table} (id int, CONSTRAINT ${table}_id_key UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)`,
    );
    const sql = h.sql();
    const error = await caught(
      sql.transaction([
        sql`INSERT INTO ${sql.unsafe(table)} VALUES (1)`,
        sql`INSERT INTO ${sql.unsafe(table)} VALUES (1)`,
      ]),
    );
    expect(error).toMatchObject({ code: "23505", constraint: `${table}_id_key` });
    expect(await sql`SELECT count(*)::int AS n FROM ${sql.unsafe(table)}`).toEqual([{ n: 0 }]);
  });

  it("refuses writes in a read-only batch", async () => {
    const sql = h.sql();
    const error = await caught(
      sql.transaction([sql`INSERT INTO ${sql.unsafe(users)} VALUES (30, 'e@example.test')`], { readOnly: true }),
    );
    expect(error.code).toBe("25006");
    expect(await sql.transaction([sql`SELECT 1 AS one`], { readOnly: true })).toEqual([[{ one: 1 }]]);
  });

  it("applies the isolation level, read-only and deferrable options", async () => {
    const sql = h.sql();
    const show = () => [
      sql`SHOW transaction_isolation`,
      sql`SHOW transaction_read_only`,
      sql`SHOW transaction_deferrable`,
    ];
    const flat = (results: Record<string, unknown>[][]) => results.map((rows) => Object.values(rows[0] ?? {})[0]);

    expect(flat(await sql.transaction(show(), { isolationLevel: "Serializable" }))).toEqual([
      "serializable",
      "off",
      "off",
    ]);
    expect(flat(await sql.transaction(show(), { isolationLevel: "RepeatableRead", readOnly: true }))).toEqual([
      "repeatable read",
      "on",
      "off",
    ]);
    expect(
      flat(await sql.transaction(show(), { isolationLevel: "Serializable", readOnly: true, deferrable: true })),
    ).toEqual(["serializable", "on", "on"]);
    expect(flat(await sql.transaction(show()))).toEqual(["read committed", "off", "off"]);
    // A single query is not a batch: no transaction options apply.
    expect(await sql.query("SHOW transaction_read_only")).toEqual([{ transaction_read_only: "off" }]);
  });

  it("echoes batch options as response headers, as Neon does", async () => {
    const response = await h.post(JSON.stringify({ queries: [{ query: "SELECT 1", params: [] }] }), {
      "Neon-Batch-Isolation-Level": "RepeatableRead",
      "Neon-Batch-Read-Only": "true",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("neon-batch-isolation-level")).toBe("RepeatableRead");
    expect(response.headers.get("neon-batch-read-only")).toBe("true");
    expect(response.headers.get("neon-batch-deferrable")).toBeNull();
  });

  it("runs a single statement outside any explicit transaction block, as Neon does", async () => {
    // VACUUM cannot run inside BEGIN ... COMMIT.
    await expect(h.sql().query(`VACUUM ${users}`)).resolves.toEqual([]);
  });
});
