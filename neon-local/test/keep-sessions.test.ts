/**
 * `--keep-sessions` (the api-throughput bench): a connection goes to the next request as it is,
 * as Neon's proxy hands it on, except that a transaction left open is still rolled back.
 * Postgres backend only (NEON_LOCAL_TEST_DATABASE_URL); PGlite always resets its one session.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendRequest } from "../backend";
import { PostgresBackend } from "../postgres-backend";

const databaseUrl = process.env.NEON_LOCAL_TEST_DATABASE_URL;
const user = databaseUrl ? decodeURIComponent(new URL(databaseUrl).username || "postgres") : "postgres";
const single = (query: string): BackendRequest => ({
  user,
  queries: [{ query, params: [] }],
  batch: false,
  arrayMode: true,
});

describe.skipIf(!databaseUrl)("a Postgres backend that keeps sessions", () => {
  let kept: PostgresBackend;
  let reset: PostgresBackend;
  beforeAll(() => {
    // One connection, so every request gets the session the one before left.
    kept = new PostgresBackend({ databaseUrl: databaseUrl ?? "", maxConnectionsPerUser: 1, keepSessions: true });
    reset = new PostgresBackend({ databaseUrl: databaseUrl ?? "", maxConnectionsPerUser: 1 });
  });
  afterAll(async () => {
    await kept.close();
    await reset.close();
  });
  const appName = async (backend: PostgresBackend) =>
    (await backend.execute(single("SHOW application_name")))[0]?.rows[0]?.[0];

  it("hands the next request the session as the last one left it, without its open transaction", async () => {
    await kept.execute(single("SET application_name = 'kept'"));
    expect(await appName(kept)).toBe("kept");
    // Were the BEGIN's transaction still open, the SET LOCAL would hold until a later request.
    await kept.execute(single("BEGIN"));
    await kept.execute(single("SET LOCAL application_name = 'inside'"));
    expect(await appName(kept)).toBe("kept");
  });

  it("resets the session by default", async () => {
    await reset.execute(single("SET application_name = 'kept'"));
    expect(await appName(reset)).not.toBe("kept");
  });
});
