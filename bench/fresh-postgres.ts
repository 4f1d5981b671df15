import { neonConfig } from "@neondatabase/serverless";
import pg from "pg";
import { type LocalDatabase, startLocalDatabase } from "../neon-local/local-database";
import { prepareDatabase } from "./worker-harness";

export interface FreshPostgres {
  /** Direct connection string (for seeding with COPY-speed SQL). */
  databaseUrl: string;
  /** The local Neon server in front of it, as the Worker and the cron see it. */
  database: LocalDatabase;
  /** Stops the server and drops the database. */
  drop(): Promise<void>;
}

/**
 * A new, migrated database on the real PostgreSQL named by PG_URL, behind a local Neon server,
 * for benchmarks that need millions of rows. With `keep` (a database name), that database is
 * created only if missing, brought to the latest migration, and left in place afterwards, so a
 * scenario can skip reseeding on the next run.
 */
export async function freshPostgres(prefix: string, keep?: string): Promise<FreshPostgres> {
  const adminUrl = new URL(process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  if (keep !== undefined && !/^[a-z_][a-z0-9_]*$/.test(keep)) throw new Error(`not a plain database name: ${keep}`);
  const name = keep ?? `detecktiv_bench_${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const exists = (await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const database = await startLocalDatabase({ databaseUrl });
  neonConfig.fetchEndpoint = database.fetchEndpoint;
  await prepareDatabase(database);
  return {
    databaseUrl,
    database,
    drop: async () => {
      await database.close();
      if (keep !== undefined) return void (await admin.end());
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end();
    },
  };
}
