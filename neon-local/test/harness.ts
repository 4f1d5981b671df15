/**
 * Test helpers: start the local Neon server over a backend and talk to it with
 * the real `@neondatabase/serverless` driver.
 *
 * Backends: in-memory PGlite always; a real Postgres too when NEON_LOCAL_TEST_DATABASE_URL
 * is set (e.g. postgres://postgres@127.0.0.1:5432/neonlocal_dev). Objects
 * created on a real Postgres get unique names and are dropped in close(), so
 * the suite can run again and again against the same database.
 */
import { randomBytes } from "node:crypto";
import { type CustomTypesConfig, type NeonQueryFunction, neon, neonConfig } from "@neondatabase/serverless";
import type { Backend } from "../backend";
import { createBackend, startNeonLocal } from "../server";
import type { StatsSnapshot } from "../stats";

export type BackendName = "pglite" | "postgres";

export interface BackendCase {
  name: BackendName;
  databaseUrl?: string;
}

const testDatabaseUrl = process.env.NEON_LOCAL_TEST_DATABASE_URL;

/** What to parametrise suites over: `describe.each(backendCases)("$name", ...)`. */
export const backendCases: BackendCase[] = [
  { name: "pglite" },
  ...(testDatabaseUrl ? [{ name: "postgres" as const, databaseUrl: testDatabaseUrl }] : []),
];

/**
 * The connection strings we hand to neon() name the local server as host:port,
 * so one global fetchEndpoint routes every query to its own server, even when
 * a file runs servers for several backends.
 */
function installEndpointRouting(): void {
  neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;
}

/** Identity parsers: the driver hands back Postgres' raw text output. */
export const rawTypes: CustomTypesConfig = { getTypeParser: () => (value: string) => value };

export interface Harness {
  backend: BackendName;
  /** The backend behind the server, for checks below HTTP (execute with a signal or a result hook). */
  engine: Backend;
  /** http://127.0.0.1:PORT/sql */
  endpoint: string;
  /** The superuser the backend runs as (postgres on PGlite, NEON_LOCAL_TEST_DATABASE_URL's user otherwise). */
  adminUser: string;
  /** A connection string for `user` that routes to this server. */
  url(user?: string, password?: string): string;
  /** neon() for `user` (default: the admin user). */
  sql(user?: string): NeonQueryFunction<false, false>;
  /** GET /__stats */
  stats(requestId?: string): Promise<StatsSnapshot>;
  /** A raw POST /sql, for protocol-level checks the driver cannot express. */
  post(body: string, headers?: Record<string, string>, signal?: AbortSignal): Promise<Response>;
  /** A name unique to this run, safe as an unquoted identifier. */
  unique(prefix: string): string;
  /** Creates a role usable in connection strings (NOLOGIN on PGlite, LOGIN on Postgres); dropped in close(). */
  createRole(name: string): Promise<void>;
  /** Creates a table via `ddl` (a CREATE TABLE for `name`); dropped in close(). */
  createTable(name: string, ddl: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(backendCase: BackendCase): Promise<Harness> {
  installEndpointRouting();
  const backend = await createBackend(backendCase.databaseUrl ? { databaseUrl: backendCase.databaseUrl } : {});
  const server = await startNeonLocal({ backend, port: 0 });
  const adminUrl = backendCase.databaseUrl ? new URL(backendCase.databaseUrl) : undefined;
  const adminUser = adminUrl?.username ? decodeURIComponent(adminUrl.username) : "postgres";
  const adminPassword = adminUrl?.password ? decodeURIComponent(adminUrl.password) : "local";
  const cleanups: string[] = [];
  const runId = randomBytes(4).toString("hex");

  const url = (user = adminUser, password = user === adminUser ? adminPassword : "local") =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/neondb`;
  const sql = (user?: string) => neon(url(user));
  const admin = sql();

  return {
    backend: backend.name,
    engine: backend,
    endpoint: server.endpoint,
    adminUser,
    url,
    sql,
    async stats(requestId) {
      const query = requestId === undefined ? "" : `?request_id=${encodeURIComponent(requestId)}`;
      const response = await fetch(`http://127.0.0.1:${server.port}/__stats${query}`);
      return (await response.json()) as StatsSnapshot;
    },
    post(body, headers = {}, signal) {
      return fetch(server.endpoint, {
        method: "POST",
        body,
        headers: { "Neon-Connection-String": url(), "Neon-Raw-Text-Output": "true", ...headers },
        ...(signal ? { signal } : {}),
      });
    },
    unique: (prefix) => `${prefix}_${runId}`,
    async createRole(name) {
      await admin.query(`CREATE ROLE ${name} ${backend.name === "postgres" ? "LOGIN" : "NOLOGIN"}`);
      // DROP OWNED also revokes the role's grants, which DROP ROLE requires.
      cleanups.push(`DROP OWNED BY ${name}`, `DROP ROLE IF EXISTS ${name}`);
    },
    async createTable(name, ddl) {
      await admin.query(ddl);
      cleanups.push(`DROP TABLE IF EXISTS ${name} CASCADE`);
    },
    async close() {
      // Tables first, then the roles that may hold grants on them.
      const tables = cleanups.filter((c) => c.startsWith("DROP TABLE"));
      const roles = cleanups.filter((c) => !c.startsWith("DROP TABLE"));
      try {
        for (const statement of [...tables, ...roles]) await admin.query(statement);
      } finally {
        await server.close();
      }
    },
  };
}
