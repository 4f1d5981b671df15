/**
 * How the command-line scripts find the dev database (scripts/lib/dev-database.ts): on whatever
 * port `npm run dev` put it, never through a recording its writer left behind.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDatabase, startLocalDatabase } from "../../../neon-local/local-database";
import { applyMigrations } from "../../../scripts/db/migrate";
import { DEMO_TENANT_ID, seedDemo } from "../../../scripts/db/seed";
import { recordDevServer, runningDevEndpoint } from "../../../scripts/lib/dev-database";

const ROOT = resolve(import.meta.dirname, "../../..");
const TSX = import.meta.resolve("tsx");

describe("the dev database, as the scripts find it", () => {
  let database: LocalDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await startLocalDatabase(); // in memory, on a port of the kernel's choosing
    neonConfig.fetchEndpoint = database.fetchEndpoint;
    await applyMigrations({ connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint }, () => {});
    await seedDemo(database.ownerUrl);
    dir = mkdtempSync(join(tmpdir(), "dev-database-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.close();
  });

  const port = () => new URL(database.fetchEndpoint).port;

  it("npm run token -- --role makes the member in the dev database on the port it runs on", async () => {
    const subject = `test|viewer-${Date.now()}`;
    const { DATABASE_URL: _ignored, ...env } = process.env;
    // Asynchronously: the local Neon server runs in this process and must keep answering.
    const run = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        TSX,
        join(ROOT, "scripts/token.ts"),
        "--tenant",
        DEMO_TENANT_ID,
        "--user",
        subject,
        "--role",
        "viewer",
      ],
      { cwd: ROOT, env: { ...env, NEON_LOCAL_PORT: port(), JWT_SECRET: "a-test-secret-of-at-least-thirty-two-chars" } },
    );
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const rows = await neon(database.ownerUrl).query(
      `SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE u.subject = $1 AND m.tenant_id = $2`,
      [subject, DEMO_TENANT_ID],
    );
    expect(rows).toEqual([{ role: "viewer" }]);
  });

  it("npm run operator-key -- --name prints a key once and stores only its hash; --revoke revokes it", async () => {
    const { DATABASE_URL: _ignored, ...env } = process.env;
    const name = `ops-${Date.now()}`;
    const script = (...args: string[]) =>
      promisify(execFile)(process.execPath, ["--import", TSX, join(ROOT, "scripts/operator-key.ts"), ...args], {
        cwd: ROOT,
        env: { ...env, NEON_LOCAL_PORT: port() },
      });
    const created = await script("--name", name);
    const key = created.stdout.trim();
    expect(key).toMatch(/^dop_[A-Za-z0-9_-]{43}$/);
    const { hashOperatorKey } = await import("../../../src/auth/operator-keys");
    const sql = neon(database.ownerUrl);
    const [row] = await sql.query("SELECT key_hash, prefix, revoked_at FROM operators WHERE name = $1", [name]);
    expect(row).toEqual({ key_hash: await hashOperatorKey(key), prefix: key.slice(0, 10), revoked_at: null });
    expect(JSON.stringify(await sql.query("SELECT * FROM operators WHERE name = $1", [name]))).not.toContain(key);

    await script("--revoke", name);
    const [revoked] = await sql.query("SELECT revoked_at IS NOT NULL AS revoked FROM operators WHERE name = $1", [
      name,
    ]);
    expect(revoked).toEqual({ revoked: true });
  });

  it("finds the endpoint a running dev command recorded, without NEON_LOCAL_PORT", async () => {
    const state = join(dir, "dev-server.json");
    recordDevServer(database.fetchEndpoint, state); // recorded by this (live) process
    expect(await runningDevEndpoint(state, undefined)).toBe(database.fetchEndpoint);
    expect(await runningDevEndpoint(join(dir, "missing.json"), undefined)).toBeUndefined();
  });

  it("ignores a recording whose dev command is gone, or whose server no longer answers", async () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const stale = join(dir, "stale.json");
    writeFileSync(stale, JSON.stringify({ pid: gone, fetchEndpoint: database.fetchEndpoint }));
    expect(await runningDevEndpoint(stale, undefined)).toBeUndefined();

    const silent = join(dir, "silent.json");
    writeFileSync(silent, JSON.stringify({ pid: process.pid, fetchEndpoint: "http://127.0.0.1:9/sql" }));
    expect(await runningDevEndpoint(silent, undefined)).toBeUndefined();
  });
});
