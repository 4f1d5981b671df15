import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRolesSection } from "../../../scripts/db/app-roles";

// `pg_dumpall --roles-only --no-role-passwords` as PostgreSQL 15 writes it on the CI machine.
const POSTGRES_15 = `--
-- PostgreSQL database cluster dump
--

\\restrict AgnWua1lLSYPMMf2mWA8ZEY9AHRdOAWcgeiPgiSShBWaR6CTotVHOpdPskVptkX

SET default_transaction_read_only = off;

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

--
-- Roles
--

CREATE ROLE app_api;
ALTER ROLE app_api WITH NOSUPERUSER NOINHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
CREATE ROLE app_auth;
ALTER ROLE app_auth WITH NOSUPERUSER NOINHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS;
CREATE ROLE app_maintenance;
ALTER ROLE app_maintenance WITH NOSUPERUSER NOINHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
CREATE ROLE app_search;
ALTER ROLE app_search WITH NOSUPERUSER NOINHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS;
CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
CREATE ROLE root;
ALTER ROLE root WITH SUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;

--
-- User Configurations
--


--
-- Role memberships
--

GRANT app_auth TO postgres GRANTED BY postgres;
GRANT app_search TO postgres GRANTED BY postgres;

\\unrestrict AgnWua1lLSYPMMf2mWA8ZEY9AHRdOAWcgeiPgiSShBWaR6CTotVHOpdPskVptkX
`;

// Shaped like a Neon branch on PostgreSQL 16+: Neon's own roles, per-role settings, new GRANT options.
const NEON_16 = `CREATE ROLE cloud_admin;
ALTER ROLE cloud_admin WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
CREATE ROLE neon_superuser;
ALTER ROLE neon_superuser WITH NOSUPERUSER INHERIT CREATEROLE CREATEDB NOLOGIN REPLICATION BYPASSRLS;
CREATE ROLE neondb_owner;
ALTER ROLE neondb_owner WITH NOSUPERUSER INHERIT CREATEROLE CREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
CREATE ROLE "app_api";
ALTER ROLE "app_api" WITH NOSUPERUSER NOINHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 50;
ALTER ROLE app_api SET statement_timeout TO '5s';
ALTER ROLE app_api IN DATABASE neondb SET work_mem TO '8MB';
COMMENT ON ROLE app_api IS 'The Worker''s login';
GRANT neon_superuser TO neondb_owner WITH INHERIT TRUE GRANTED BY cloud_admin;
GRANT app_api TO neondb_owner WITH ADMIN OPTION, INHERIT TRUE GRANTED BY cloud_admin;
`;

describe("appRolesSection", () => {
  it("keeps only the app_* roles, creates each one only when missing and never names a grantor", () => {
    const { roles, sql } = appRolesSection(POSTGRES_15);
    expect(roles).toEqual(["app_api", "app_auth", "app_maintenance", "app_search"]);
    expect(sql).not.toMatch(/ROLE (postgres|root)\b/);
    expect(sql).not.toMatch(/GRANTED BY|\\restrict|PASSWORD/);
    expect(sql).toContain(
      "DO $role$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app_api') THEN CREATE ROLE app_api; END IF; END $role$;",
    );
    expect(sql).toContain(
      "ALTER ROLE app_api WITH NOSUPERUSER NOINHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;",
    );
    expect(sql).toMatch(
      /IF EXISTS \(.*'app_auth'\) AND EXISTS \(.*'postgres'\) THEN GRANT app_auth TO postgres; END IF/,
    );
  });

  it("handles Neon's roles, quoted names, per-role settings and PostgreSQL 16 grant options", () => {
    const { roles, sql } = appRolesSection(NEON_16);
    expect(roles).toEqual(["app_api"]);
    expect(sql).not.toMatch(/neon_superuser|cloud_admin/);
    expect(sql).toContain("CONNECTION LIMIT 50;");
    expect(sql).toContain("ALTER ROLE app_api SET statement_timeout TO '5s';");
    expect(sql).not.toContain("IN DATABASE neondb"); // names the source database, not the target
    expect(sql).toContain("COMMENT ON ROLE app_api IS 'The Worker''s login';");
    expect(sql).toContain("GRANT app_api TO neondb_owner WITH ADMIN OPTION, INHERIT TRUE; END IF;");
    expect(sql).toContain(`THEN CREATE ROLE "app_api"; END IF;`);
  });

  it("refuses a dump without app roles and a statement about an app role it does not understand", () => {
    expect(() => appRolesSection("CREATE ROLE postgres;\n")).toThrow(/no app_\* roles/);
    expect(() => appRolesSection(`${POSTGRES_15}SECURITY LABEL FOR selinux ON ROLE app_api IS 'x';\n`)).toThrow(
      /does not understand: SECURITY LABEL/,
    );
  });

  describe("run on a cluster", () => {
    let db: PGlite;
    beforeAll(async () => {
      db = await PGlite.create();
    });
    afterAll(() => db.close());

    const attributes = async () =>
      (
        await db.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(
          "SELECT rolname, rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname LIKE 'app\\_%' ORDER BY 1",
        )
      ).rows;

    it("creates the roles where they are missing, and again where they exist, re-asserting their attributes", async () => {
      const { sql } = appRolesSection(POSTGRES_15);
      await db.exec(sql);
      const created = await attributes();
      expect(created).toEqual([
        { rolname: "app_api", rolsuper: false, rolbypassrls: false, rolcanlogin: true },
        { rolname: "app_auth", rolsuper: false, rolbypassrls: false, rolcanlogin: false },
        { rolname: "app_maintenance", rolsuper: false, rolbypassrls: false, rolcanlogin: true },
        { rolname: "app_search", rolsuper: false, rolbypassrls: false, rolcanlogin: false },
      ]);
      // A role someone loosened by hand on the target cluster is tightened by the restore.
      await db.exec("ALTER ROLE app_api BYPASSRLS");
      await db.exec(sql);
      expect(await attributes()).toEqual(created);
      const members = await db.query<{ role: string }>(
        `SELECT r.rolname AS role FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
          WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = 'postgres') AND r.rolname LIKE 'app\\_%' ORDER BY 1`,
      );
      expect(members.rows).toEqual([{ role: "app_auth" }, { role: "app_search" }]);
    });
  });
});
