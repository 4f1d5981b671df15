/**
 * npm run token -- --tenant <id> --user <subject> [--role viewer] [--ttl 3600]
 *
 * Mints an HS256 JWT from JWT_SECRET (environment or .dev.vars). With --role, first makes the
 * user a member of the tenant with that role in the dev database, found as `npm run migrate`
 * finds it (scripts/lib/dev-database.ts): DATABASE_URL, else the running `npm run dev` on
 * whatever port it runs, else .data/pglite opened directly.
 */
import { parseArgs } from "node:util";
import { neonConfig } from "@neondatabase/serverless";
import { ensureMembership } from "./db/seed";
import { withDevDatabase } from "./lib/dev-database";
import { readDevVars } from "./lib/dev-vars";
import { mintDevToken } from "./lib/jwt";

const ROLES = ["owner", "admin", "editor", "viewer"];

async function main() {
  const { values } = parseArgs({
    options: {
      tenant: { type: "string" },
      user: { type: "string" },
      role: { type: "string" },
      ttl: { type: "string", default: "43200" },
    },
  });
  if (!values.user)
    throw new Error("usage: npm run token -- --tenant <id> --user <subject> [--role <role>] [--ttl <seconds>]");
  const vars = { ...readDevVars(), ...process.env };
  const secret = vars.JWT_SECRET;
  if (!secret)
    throw new Error("JWT_SECRET is not set (environment or .dev.vars); run `npm run dev` once to create .dev.vars");
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error("--ttl must be a positive number of seconds");

  if (values.role) {
    if (!ROLES.includes(values.role)) throw new Error(`--role must be one of ${ROLES.join(", ")}`);
    if (!values.tenant) throw new Error("--role needs --tenant");
    const { tenant, user, role } = values;
    await withDevDatabase(async (target) => {
      // ensureMembership uses the driver's global endpoint: the local server, or Neon when unset.
      neonConfig.fetchEndpoint = target.fetchEndpoint ?? neonConfig.fetchEndpoint;
      await ensureMembership(target.connectionString, tenant, user, role);
    });
  }
  const token = await mintDevToken({
    secret,
    subject: values.user,
    tenantId: values.tenant,
    tenantClaim: vars.JWT_TENANT_CLAIM,
    issuer: vars.JWT_ISSUER,
    audience: vars.JWT_AUDIENCE,
    ttlSeconds,
  });
  console.log(token);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
