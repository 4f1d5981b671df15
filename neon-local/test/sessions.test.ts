/**
 * The user of the connection string is the role queries run as, and nothing a
 * request does to its session (role, settings, open transactions, temp
 * tables) is visible to the next request, even on PGlite's single session.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendCases, type Harness, startHarness } from "./harness";

describe.each(backendCases)("sessions over neon-local ($name)", (backendCase) => {
  let h: Harness;
  let reader: string;
  let secret: string;
  let shared: string;
  beforeAll(async () => {
    h = await startHarness(backendCase);
    reader = h.unique("nl_reader");
    secret = h.unique("nl_secret");
    shared = h.unique("nl_shared");
    await h.createRole(reader);
    await h.createTable(secret, `CREATE TABLE ${secret} (v text)`);
    await h.createTable(shared, `CREATE TABLE ${shared} (v text)`);
    const admin = h.sql();
    await admin.query(`INSERT INTO ${shared} VALUES ('visible')`);
    await admin.query(`GRANT SELECT ON ${shared} TO ${reader}`);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("runs queries as the connection string's user", async () => {
    const sql = h.sql(reader);
    expect(await sql`SELECT current_user AS who`).toEqual([{ who: reader }]);
    expect(await sql.query(`SELECT v FROM ${shared}`)).toEqual([{ v: "visible" }]);
    // Batches switch role too.
    expect(await sql.transaction([sql`SELECT current_user AS who`])).toEqual([[{ who: reader }]]);
  });

  it("enforces the role's privileges (42501)", async () => {
    const sql = h.sql(reader);
    await expect(sql.query(`SELECT * FROM ${secret}`)).rejects.toMatchObject({
      name: "NeonDbError",
      code: "42501",
      message: `permission denied for table ${secret}`,
    });
    await expect(
      sql.transaction([sql.query(`SELECT * FROM ${shared}`), sql.query(`SELECT * FROM ${secret}`)]),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(sql.query(`INSERT INTO ${shared} VALUES ('nope')`)).rejects.toMatchObject({ code: "42501" });
  });

  it("does not leak the role into later requests, even after a failure", async () => {
    await expect(h.sql(reader).query(`SELECT * FROM ${secret}`)).rejects.toMatchObject({ code: "42501" });
    expect(await h.sql()`SELECT current_user AS who`).toEqual([{ who: h.adminUser }]);
    // A role change made by the request itself is undone as well.
    await h.sql().query(`SET ROLE ${reader}`);
    expect(await h.sql()`SELECT current_user AS who`).toEqual([{ who: h.adminUser }]);
  });

  it("fails for an unknown user", async () => {
    await expect(h.sql(h.unique("nl_nobody")).query("SELECT 1")).rejects.toMatchObject({ name: "NeonDbError" });
  });

  it("keeps transaction-local settings inside their request", async () => {
    const sql = h.sql();
    expect(await sql`SELECT set_config('app.tenant_id', 'tenant-1', true) AS v`).toEqual([{ v: "tenant-1" }]);
    const [after] = await sql`SELECT current_setting('app.tenant_id', true) AS v`;
    // Once defined in a session, a custom setting reads as '' rather than NULL after its transaction.
    expect([null, ""]).toContain(after?.v);

    const [, inBatch] = await sql.transaction([
      sql`SELECT set_config('app.tenant_id', 'tenant-2', true)`,
      sql`SELECT current_setting('app.tenant_id', true) AS v`,
    ]);
    expect(inBatch).toEqual([{ v: "tenant-2" }]);
    const [afterBatch] = await sql`SELECT current_setting('app.tenant_id', true) AS v`;
    expect([null, ""]).toContain(afterBatch?.v);
  });

  it("discards session-level state between requests", async () => {
    const sql = h.sql();
    await sql`SELECT set_config('app.sticky', 'yes', false)`;
    await sql.query("SET statement_timeout = '1234ms'");
    await sql.query("CREATE TEMP TABLE nl_temp (x int)");
    const [row] =
      await sql`SELECT current_setting('app.sticky', true) AS sticky, current_setting('statement_timeout') AS timeout,
      to_regclass('pg_temp.nl_temp') IS NULL AS temp_gone`;
    expect([null, ""]).toContain(row?.sticky);
    expect(row?.timeout).not.toBe("1234ms");
    expect(row?.temp_gone).toBe(true);
  });

  it("does not leave a transaction open when a request sends BEGIN", async () => {
    const sql = h.sql();
    const table = h.unique("nl_begin");
    await h.createTable(table, `CREATE TABLE ${table} (x int)`);
    await sql.query("BEGIN");
    await sql.query(`INSERT INTO ${table} VALUES (1)`);
    // Had the BEGIN survived, the insert would hold a transaction id, and ROLLBACK would undo it.
    expect(await sql.query("SELECT pg_current_xact_id_if_assigned() IS NULL AS fresh")).toEqual([{ fresh: true }]);
    await sql.query("ROLLBACK");
    expect(await sql.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 1 }]);
  });

  it("serves 20 concurrent requests from several users", async () => {
    const admin = h.sql();
    const asReader = h.sql(reader);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? admin`SELECT ${i}::int AS i, current_user AS who, pg_sleep(0.01) IS NULL AS slept`
          : asReader.transaction([asReader`SELECT ${i}::int AS i, current_user AS who`]).then(([rows]) => rows),
      ),
    );
    results.forEach((rows, i) => {
      expect(rows?.[0]).toMatchObject({ i, who: i % 2 === 0 ? h.adminUser : reader });
    });
  });
});
