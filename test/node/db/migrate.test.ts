import { neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDatabase, startLocalDatabase } from "../../../neon-local/local-database";
import { applyMigrations } from "../../../scripts/db/migrate";

/** Migration tooling on a fresh in-memory PGlite, through the local Neon server. */
describe("applyMigrations", () => {
  let database: LocalDatabase;

  beforeAll(async () => {
    database = await startLocalDatabase();
    neonConfig.fetchEndpoint = database.fetchEndpoint;
  });
  afterAll(() => database.close());

  const target = () => ({ connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint });

  it("applies every migration once, in one transaction each, and records it", async () => {
    const lines: string[] = [];
    const first = await applyMigrations(target(), (line) => lines.push(line));
    expect(first.applied.length).toBeGreaterThanOrEqual(3);
    expect(first.applied[0]).toBe("0000_roles_and_identity");
    const again = await applyMigrations(target(), () => {});
    expect(again.applied).toEqual([]);
    const rows = await neon(database.ownerUrl).query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
    expect(rows).toEqual([{ n: first.applied.length }]);
  });

  it("leaves the API role unable to bypass RLS and every app table forced", async () => {
    const sql = neon(database.ownerUrl);
    const roles = await sql.query(
      "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname LIKE 'app\\_%' ORDER BY rolname",
    );
    expect(roles).toEqual([
      { rolname: "app_api", rolsuper: false, rolbypassrls: false },
      { rolname: "app_auth", rolsuper: false, rolbypassrls: false },
      { rolname: "app_maintenance", rolsuper: false, rolbypassrls: false },
      { rolname: "app_platform", rolsuper: false, rolbypassrls: false },
      { rolname: "app_register", rolsuper: false, rolbypassrls: false },
      { rolname: "app_search", rolsuper: false, rolbypassrls: false },
    ]);
    const unforced = await sql.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)`,
    );
    expect(unforced).toEqual([]);
  });
});
