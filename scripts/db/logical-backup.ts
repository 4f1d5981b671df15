/**
 * Logical backups of the application's database for a self-run copy: one plain SQL file holding
 * the app's roles (see app-roles.ts) followed by `pg_dump` of the database (schemas public, app
 * and drizzle with their extensions, tables, data, functions and their owners, policies, grants).
 * Restored with psql into an empty database in ONE transaction: all or nothing.
 *
 * The whole database is dumped rather than a `--schema` list: with `--schema`, pg_dump leaves out
 * the extensions the schema needs (pg_trgm, btree_gin) and writes `CREATE SCHEMA public`, which
 * fails on every fresh database.
 */
import { spawn } from "node:child_process";
import { open, rename, rm } from "node:fs/promises";
import pg from "pg";
import { appRolesSection } from "./app-roles";

/** First line of every backup file; restore refuses anything else. */
export const BACKUP_SIGNATURE = "-- Detecktiv logical backup v1";

/** Keeps the password out of argv (visible to `ps`): libpq reads it from PGPASSWORD instead. */
export function libpqConnection(databaseUrl: string): { dbname: string; env: Record<string, string> } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = "";
  return { dbname: url.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/** `host/database as user`, for logs and the file header: never the password. */
export function describeDatabase(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.host}${url.pathname} as ${decodeURIComponent(url.username) || "(default user)"}`;
}

interface RunOptions {
  env: Record<string, string>;
  /** A file descriptor for stdout; captured when absent. */
  stdoutFd?: number;
}

/** Runs a PostgreSQL client program; its stderr becomes the error message when it fails. */
function run(program: string, args: string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { ...process.env, PGCONNECT_TIMEOUT: "10", ...options.env },
      stdio: ["ignore", options.stdoutFd ?? "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new Error(`${program} not found: install the PostgreSQL client (Debian: apt-get install postgresql-client)`)
          : error,
      );
    });
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${program} exited with ${code}: ${stderr.trim().split("\n").slice(-5).join("\n")}`));
    });
  });
}

export interface BackupResult {
  file: string;
  bytes: number;
  roles: string[];
  pgDumpVersion: string;
}

/**
 * Writes the backup of `databaseUrl` to `out`. The role connecting must read every row: a
 * superuser, or on Neon the database owner (a member of neon_superuser). pg_dump turns row
 * security off and fails loudly ("query would be affected by row-level security policy") rather
 * than dump a subset. The file appears under its name only once complete.
 */
export async function backupDatabase(databaseUrl: string, out: string): Promise<BackupResult> {
  const { dbname, env } = libpqConnection(databaseUrl);
  const pgDumpVersion = (await run("pg_dump", ["--version"], { env })).trim();
  const roles = appRolesSection(
    await run("pg_dumpall", ["--roles-only", "--no-role-passwords", `--dbname=${dbname}`], { env }),
  );
  const partial = `${out}.partial`;
  const handle = await open(partial, "w", 0o600); // the data holds personal data
  try {
    const header = [
      BACKUP_SIGNATURE,
      `-- source: ${describeDatabase(databaseUrl)}`,
      `-- taken: ${new Date().toISOString()}`,
      `-- by: ${pgDumpVersion}`,
      "-- restore: npm run db:restore -- --in <this file> --target <url of an empty database>",
      "",
      roles.sql,
      "",
    ].join("\n");
    await handle.write(header);
    await run(
      "pg_dump",
      ["--format=plain", "--no-publications", "--no-subscriptions", `--dbname=${dbname}`],
      // pg_dump writes after the header: the descriptor's offset is where the header ended.
      { env, stdoutFd: handle.fd },
    );
    const { size } = await handle.stat();
    await handle.close();
    await rename(partial, out);
    return { file: out, bytes: size, roles: roles.roles, pgDumpVersion };
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
}

async function firstLine(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("utf8").split("\n")[0] ?? "";
  } finally {
    await handle.close();
  }
}

/** What makes a database not empty, in words; none when it is. */
export async function contentsOf(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ what: string }>(
      `SELECT 'schema ' || nspname AS what FROM pg_namespace
        WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
       UNION ALL
       SELECT 'relation public.' || c.relname FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace
       UNION ALL
       SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
       ORDER BY 1`,
    );
    return rows.map((row) => row.what);
  } finally {
    await client.end();
  }
}

/**
 * Restores a backup into `targetUrl`, which must be an empty database (create it first). Runs as
 * one transaction with ON_ERROR_STOP: a failure leaves the target as empty as it was (roles
 * included). The connecting role must be able to create roles and to give objects to them
 * (a superuser on a self-run server).
 */
export async function restoreDatabase(file: string, targetUrl: string): Promise<void> {
  if ((await firstLine(file)) !== BACKUP_SIGNATURE)
    throw new Error(`${file} is not a Detecktiv backup (made by npm run db:backup)`);
  const contents = await contentsOf(targetUrl);
  if (contents.length > 0) {
    throw new Error(
      `${describeDatabase(targetUrl)} is not empty (${contents.slice(0, 5).join(", ")}${contents.length > 5 ? ", ..." : ""}): restore into a new database`,
    );
  }
  const { dbname, env } = libpqConnection(targetUrl);
  await run(
    "psql",
    ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction", `--file=${file}`, `--dbname=${dbname}`],
    { env },
  );
}
