/**
 * The limits of Neon's SQL-over-HTTP endpoint, kept by the local server so that what fails on
 * Neon fails in tests: response size, bind parameters, a client that hangs up, statement_timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendRequest } from "../backend";
import { backendCases, type Harness, startHarness } from "./harness";

const MiB = 1024 * 1024;

/** Neon's body for an error of its own (no SQLSTATE), byte for byte: the driver quotes it. */
const neonErrorBody = (message: string) =>
  `{"message":${JSON.stringify(message)},"code":"","detail":null,"hint":null,"position":null,"internalPosition":null,` +
  `"internalQuery":null,"severity":"","where":null,"table":null,"column":null,"schema":null,"dataType":null,` +
  `"constraint":null,"file":null,"line":null,"routine":null}`;

const TOO_LARGE = "response is too large (max is 10485760 bytes)";
const TOO_MANY_PARAMETERS = "error encoding message to server: value too large to transmit";

/** `SELECT array_length(ARRAY[$1..$n]::text[], 1)` with n parameters. */
function manyParameters(n: number): { text: string; params: string[] } {
  const placeholders = Array.from({ length: n }, (_, i) => `$${i + 1}`).join(",");
  return { text: `SELECT array_length(ARRAY[${placeholders}]::text[], 1) AS n`, params: Array(n).fill("x") };
}

async function waitFor(condition: () => Promise<boolean>, what: string, capMs = 15_000): Promise<void> {
  const deadline = Date.now() + capMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(backendCases)("Neon's limits ($name)", (backendCase) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backendCase);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function counter(): Promise<string> {
    const table = h.unique(`nl_limit_${Math.random().toString(36).slice(2, 8)}`);
    await h.createTable(table, `CREATE TABLE ${table} (x int)`);
    return table;
  }
  const count = async (table: string) => (await h.sql().query(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n;

  describe("response size", () => {
    it("answers a response over 10 MiB with Neon's 507, and the driver throws Neon's error", async () => {
      const response = await h.post(
        JSON.stringify({ query: "SELECT repeat('x', 1048576) FROM generate_series(1, 11)" }),
      );
      expect(response.status).toBe(507);
      expect(await response.text()).toBe(neonErrorBody(TOO_LARGE));

      const error = await h
        .sql()
        .query("SELECT repeat('x', 1048576) FROM generate_series(1, 11)")
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(`Server error (HTTP status 507): ${neonErrorBody(TOO_LARGE)}`);
    });

    it("answers a response just under the limit in full", async () => {
      const rows = await h.sql().query("SELECT repeat('x', 1048576) AS x FROM generate_series(1, 9)");
      expect(rows).toHaveLength(9);
      expect((rows[8] as { x: string }).x).toHaveLength(MiB);
    });

    it("counts the whole batch, and rolls the batch back", async () => {
      const table = await counter();
      const sql = h.sql();
      // Each statement alone is under the limit; together they are over it.
      const error = await sql
        .transaction([
          sql.query(`INSERT INTO ${table} VALUES (1)`),
          sql.query("SELECT repeat('x', 1048576) FROM generate_series(1, 6)"),
          sql.query("SELECT repeat('x', 1048576) FROM generate_series(1, 6)"),
        ])
        .catch((e: unknown) => e);
      expect((error as Error).message).toContain(TOO_LARGE);
      expect(await count(table)).toBe(0);
      // The session is still good for the next request.
      expect(await sql.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    });
  });

  describe("bind parameters", () => {
    it("accepts 32,767 parameters in one statement", async () => {
      const { text, params } = manyParameters(32_767);
      expect(await h.sql().query(text, params)).toEqual([{ n: 32_767 }]);
    });

    it("refuses 32,768 with Neon's error (no SQLSTATE), and runs nothing of the batch", async () => {
      const { text, params } = manyParameters(32_768);
      const response = await h.post(JSON.stringify({ query: text, params }));
      expect(response.status).toBe(400);
      expect(await response.text()).toBe(neonErrorBody(TOO_MANY_PARAMETERS));

      const table = await counter();
      const sql = h.sql();
      const error = await sql
        .transaction([sql.query(`INSERT INTO ${table} VALUES (1)`), sql.query(text, params)])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ message: TOO_MANY_PARAMETERS, code: "" });
      expect(await count(table)).toBe(0);
    });
  });

  describe("statement_timeout", () => {
    it.each([
      ["100ms", 0.5],
      ["1s", 1.3],
    ])(
      "fails a statement that outlives statement_timeout (%s) with 57014 and rolls the batch back",
      async (timeout, sleep) => {
        const table = await counter();
        const sql = h.sql();
        const error = await sql
          .transaction([
            sql.query(`INSERT INTO ${table} VALUES (1)`),
            sql.query(`SET LOCAL statement_timeout = '${timeout}'`),
            sql.query(`SELECT pg_sleep(${sleep})`),
          ])
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "57014", message: "canceling statement due to statement timeout" });
        expect(await count(table)).toBe(0);
      },
    );

    it("lets statements within the timeout run, and the setting ends with the request", async () => {
      const sql = h.sql();
      const [, , [row]] = (await sql.transaction([
        sql.query("SET LOCAL statement_timeout = '30s'"),
        sql.query("SELECT pg_sleep(0.05)"),
        sql.query("SELECT current_setting('statement_timeout') AS timeout"),
      ])) as [unknown, unknown, { timeout: string }[]];
      expect(row?.timeout).toBe("30s");
      const [after] = await sql.query("SELECT current_setting('statement_timeout') AS timeout");
      expect(after?.timeout).not.toBe("30s");
    });
  });

  describe("a client that goes away", () => {
    const batchOf = (...queries: string[]): BackendRequest => ({
      user: h.adminUser,
      queries: queries.map((query) => ({ query, params: [] })),
      batch: true,
      arrayMode: true,
    });

    it("stops the batch at the next statement and rolls it back", async () => {
      const table = await counter();
      const gone = new AbortController();
      const reason = new Error("client gone");
      const run = h.engine.execute(batchOf(`INSERT INTO ${table} VALUES (1)`, `INSERT INTO ${table} VALUES (2)`), {
        signal: gone.signal,
        onResult: (_, index) => {
          if (index === 0) gone.abort(reason);
        },
      });
      await expect(run).rejects.toBe(reason);
      expect(await count(table)).toBe(0);
    });

    it("does not run a request whose client left while it waited", async () => {
      const table = await counter();
      const gone = new AbortController();
      gone.abort(new Error("client gone"));
      await expect(
        h.engine.execute(batchOf(`INSERT INTO ${table} VALUES (1)`), { signal: gone.signal }),
      ).rejects.toThrow("client gone");
      expect(await count(table)).toBe(0);
    });
  });
});

describe.each(backendCases.filter((c) => c.name === "postgres"))("client disconnect on $name", (backendCase) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backendCase);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("cancels the running query on the server when the client hangs up", async () => {
    const marker = h.unique("nl_cancel_marker");
    const running = async () => {
      const [row] = await h
        .sql()
        .query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND position($1 in query) > 0 AND pid <> pg_backend_pid()",
          [marker],
        );
      return (row as { n: number }).n;
    };
    const gone = new AbortController();
    const answer = h.post(JSON.stringify({ query: `SELECT pg_sleep(120), '${marker}'` }), {}, gone.signal);
    await waitFor(async () => (await running()) === 1, "the query to start");

    gone.abort();
    await expect(answer).rejects.toThrow();
    // Without the cancel it would stay active for two minutes.
    await waitFor(async () => (await running()) === 0, "the query to be cancelled");
    expect(await h.sql().query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });
});
