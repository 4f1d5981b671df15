import { readFileSync } from "node:fs";
import { join } from "node:path";
import { neon } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDatabase, startLocalDatabase } from "../../../neon-local/local-database";
import { applyMigrations } from "../../../scripts/db/migrate";
import { readSqlObjects, SQL_OBJECTS_DIR } from "../../../scripts/db/sql-objects";

/** src/db/sql/*.sql must say what the migrations make: one current home per SQL object. */
describe("src/db/sql (the current state of every function, trigger, policy, view and grant)", () => {
  let database: LocalDatabase;
  let generated: Record<string, string>;

  beforeAll(async () => {
    database = await startLocalDatabase();
    await applyMigrations({ connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint }, () => {});
    const sql = neon(database.ownerUrl);
    generated = await readSqlObjects((text) => sql.query(text));
  });
  afterAll(() => database.close());

  it.each(["functions.sql", "triggers.sql", "policies.sql", "views.sql", "grants.sql"])(
    "%s matches the migrated database (run `npm run db:sql-objects` after a migration)",
    (file) => {
      expect(readFileSync(join(SQL_OBJECTS_DIR, file), "utf8")).toBe(generated[file]);
    },
  );

  it("holds each object once: the current app.begin_request, not every version of it", () => {
    const functions = generated["functions.sql"] ?? "";
    expect(functions.match(/CREATE OR REPLACE FUNCTION app\.begin_request\(/g)).toHaveLength(1);
    expect(functions).toContain("app.verify_assertion(p_kid, p_assertion, p_signature)");
    expect(functions.match(/CREATE OR REPLACE FUNCTION app\.audit_row_change\(/g)).toHaveLength(1);
  });
});
