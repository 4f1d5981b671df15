import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { neon, neonConfig } from "@neondatabase/serverless";
import { readMigrationFiles } from "drizzle-orm/migrator";

export const MIGRATIONS_FOLDER = join(import.meta.dirname, "../../migrations");

export interface MigrationTarget {
  /** Connection string of the role that owns the schema (Neon: the database owner). */
  connectionString: string;
  /** A local Neon-protocol server; Neon itself when absent. */
  fetchEndpoint?: string | undefined;
}

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

// Held for the length of each migration's transaction: two migrators never interleave.
const LOCK_KEY = 727_364_211;
const ALREADY_APPLIED = "DTM01";

/**
 * Applies drizzle-kit's migrations over the Neon HTTP driver, each in ONE transaction with its
 * bookkeeping row, so a failed migration leaves nothing half-applied. Bookkeeping is drizzle's
 * own table (drizzle.__drizzle_migrations), so drizzle-kit sees the same history.
 */
export async function applyMigrations(target: MigrationTarget, log: (line: string) => void = console.log) {
  if (target.fetchEndpoint) neonConfig.fetchEndpoint = target.fetchEndpoint;
  const sql = neon(target.connectionString);
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as {
    entries: JournalEntry[];
  };
  const tagOf = (millis: number) => journal.entries.find((entry) => entry.when === millis)?.tag ?? String(millis);

  await sql.transaction([
    sql.query("CREATE SCHEMA IF NOT EXISTS drizzle"),
    sql.query(
      "CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint)",
    ),
  ]);
  const [last] = (await sql.query("SELECT max(created_at)::text AS created_at FROM drizzle.__drizzle_migrations")) as {
    created_at: string | null;
  }[];
  const appliedUpTo = Number(last?.created_at ?? 0);

  const applied: string[] = [];
  for (const migration of migrations) {
    if (migration.folderMillis <= appliedUpTo) continue;
    const tag = tagOf(migration.folderMillis);
    const statements = migration.sql.map((statement) => statement.trim()).filter((statement) => statement.length > 0);
    try {
      await sql.transaction([
        sql.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`),
        sql.query(`DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM drizzle.__drizzle_migrations WHERE created_at >= ${migration.folderMillis}) THEN
            RAISE EXCEPTION 'already applied' USING ERRCODE = '${ALREADY_APPLIED}';
          END IF; END $$`),
        ...statements.map((statement) => sql.query(statement)),
        sql.query("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)", [
          migration.hash,
          migration.folderMillis,
        ]),
      ]);
      applied.push(tag);
      log(`applied ${tag}`);
    } catch (error) {
      if ((error as { code?: string }).code === ALREADY_APPLIED) continue; // a concurrent migrator won
      throw new Error(`migration ${tag} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  if (applied.length === 0) log("migrations: up to date");
  return { applied };
}
