/**
 * The application's roles, cut out of `pg_dumpall --roles-only --no-role-passwords`.
 *
 * Roles are cluster-wide: a dump of one database does not carry them, and the target cluster may
 * already have them (another database on the same server, or a restore next to the original).
 * So the section written here creates each role only when it is missing, then re-asserts its
 * attributes (NOSUPERUSER, NOBYPASSRLS, LOGIN...), which is the promise tenant isolation rests on.
 * Passwords are never part of a backup: a new role gets one from the operator (README "Deploy").
 */

/** Every role the migrations create is named `app_*` (app_api, app_maintenance, app_auth, app_search, app_register, app_platform). */
export const APP_ROLE = /^app_[a-z0-9_]+$/;

const IDENTIFIER = `("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const CREATE_ROLE = new RegExp(`^CREATE ROLE ${IDENTIFIER};$`);
const ALTER_ROLE = new RegExp(`^ALTER ROLE ${IDENTIFIER} (.+);$`);
const COMMENT_ON_ROLE = new RegExp(`^COMMENT ON ROLE ${IDENTIFIER} IS .+;$`);
const GRANT_ROLE = new RegExp(`^GRANT ${IDENTIFIER} TO ${IDENTIFIER}(.*);$`);

const unquote = (identifier: string) =>
  identifier.startsWith('"') ? identifier.slice(1, -1).replaceAll('""', '"') : identifier;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
const roleExists = (name: string) => `EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${literal(name)})`;

export interface AppRolesSection {
  /** Role names, in dump order. */
  roles: string[];
  /** SQL to run before the database dump: idempotent on a cluster that has the roles already. */
  sql: string;
}

/**
 * Keeps the statements about `app_*` roles. A statement that names an app role but is not one of
 * the shapes understood here is an error, never silently dropped: a backup that forgets part of a
 * role would only be found out on the day it is restored.
 */
export function appRolesSection(dumpallOutput: string): AppRolesSection {
  const roles: string[] = [];
  const statements: string[] = [];
  for (const raw of dumpallOutput.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("--") || line.startsWith("\\") || line.startsWith("SET ")) continue;

    const create = CREATE_ROLE.exec(line);
    if (create?.[1]) {
      const name = unquote(create[1]);
      if (!APP_ROLE.test(name)) continue;
      roles.push(name);
      statements.push(`DO $role$ BEGIN IF NOT ${roleExists(name)} THEN ${line} END IF; END $role$;`);
      continue;
    }
    const alter = ALTER_ROLE.exec(line);
    if (alter?.[1] && alter[2]) {
      if (!APP_ROLE.test(unquote(alter[1]))) continue;
      // Per-database settings name the source database, which the restore target is not.
      if (alter[2].startsWith("IN DATABASE ")) continue;
      statements.push(line);
      continue;
    }
    const comment = COMMENT_ON_ROLE.exec(line);
    if (comment?.[1]) {
      if (APP_ROLE.test(unquote(comment[1]))) statements.push(line);
      continue;
    }
    const grant = GRANT_ROLE.exec(line);
    if (grant?.[1] && grant[2]) {
      const [granted, grantee] = [unquote(grant[1]), unquote(grant[2])];
      if (!APP_ROLE.test(granted) && !APP_ROLE.test(grantee)) continue;
      // The grantor may not exist on the target (and needs ADMIN there): the restoring role grants.
      const options = (grant[3] ?? "").replace(/\s+GRANTED BY\s+\S+$/, "");
      // The member (for example the migrating owner) may not exist on another cluster.
      statements.push(
        `DO $role$ BEGIN IF ${roleExists(granted)} AND ${roleExists(grantee)} THEN GRANT ${grant[1]} TO ${grant[2]}${options}; END IF; END $role$;`,
      );
      continue;
    }
    if (/\bapp_[a-z0-9_]+/.test(line)) {
      throw new Error(`pg_dumpall wrote a statement about an app role that the backup does not understand: ${line}`);
    }
  }
  if (roles.length === 0) {
    throw new Error("the cluster has no app_* roles: is this the application's database, migrated?");
  }
  const sql = [
    "-- Roles the application needs. Cluster-wide: created when missing, attributes re-asserted.",
    "SET client_min_messages = warning;",
    ...statements,
    "",
  ].join("\n");
  return { roles, sql };
}
