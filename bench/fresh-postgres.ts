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
 * for benchmarks that need millions of rows.
 */
export async function freshPostgres(prefix: string): Promise<FreshPostgres> {
  const adminUrl = new URL(process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  const name = `detecktiv_bench_${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const database = await startLocalDatabase({ databaseUrl });
  neonConfig.fetchEndpoint = database.fetchEndpoint;
  await prepareDatabase(database);
  return {
    databaseUrl,
    database,
    drop: async () => {
      await database.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end();
    },
  };
}
