/**
 * npm run token -- --tenant <id> --user <subject> [--role viewer] [--ttl 3600]
 *
 * Mints an HS256 JWT from JWT_SECRET (environment or .dev.vars). With --role, first makes the
 * user a member of the tenant with that role in the running `npm run dev` database.
 */
import { parseArgs } from "node:util";
import { neonConfig } from "@neondatabase/serverless";
import { localUrl } from "../neon-local/local-database";
import { ensureMembership } from "./db/seed";
import { readDevVars, runningDevEndpoint } from "./lib/dev-vars";
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
    const endpoint = await runningDevEndpoint();
    if (!endpoint) throw new Error("--role needs the dev database: start `npm run dev` first");
    neonConfig.fetchEndpoint = endpoint;
    await ensureMembership(localUrl("postgres"), values.tenant, values.user, values.role);
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
