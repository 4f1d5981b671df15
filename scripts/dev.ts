/**
 * npm run dev — the one command a developer runs:
 *   1. creates .dev.vars from .dev.vars.example (with a random JWT_SECRET,
 *      DATABASE_ASSERTION_KEY and EXPORT_SIGNING_SECRET) if it is missing;
 *   2. starts the local Neon server on 127.0.0.1:4444 over PGlite in .data/pglite (data survives
 *      restarts), or over the Postgres in DATABASE_URL;
 *   3. applies migrations, installs the assertion key and seeds a demo tenant with an owner;
 *   4. prints a dev JWT and a curl line;
 *   5. runs `wrangler dev` on :8787 with scheduled-handler testing. Ctrl-C stops everything.
 *
 * Ports: PORT (API, 8787), NEON_LOCAL_PORT (local Neon server, 4444), INSPECTOR_PORT (wrangler's
 * devtools inspector, 9229). `--fake-companies-house` (or DEV_FAKE_COMPANIES_HOUSE=true) also
 * starts the tests' fake Companies House and points the Worker at it, so imports work offline
 * and without an API key.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { neonConfig } from "@neondatabase/serverless";
import { startLocalDatabase } from "../neon-local/local-database";
import { FAKE_COMPANIES_HOUSE_KEY, startFakeCompaniesHouse } from "../test/servers/fake-companies-house";
import { FAKE_STRIPE_KEY, startFakeStripe } from "../test/servers/fake-stripe";
import { installAssertionKey } from "./db/assertion-key";
import { applyMigrations } from "./db/migrate";
import { DEMO_OWNER, DEMO_TENANT_ID, seedDemo } from "./db/seed";
import { DEV_NEON_PORT, forgetDevServer, recordDevServer } from "./lib/dev-database";
import { DEV_DATA_DIR, DEV_VARS_PATH, ROOT, readDevVars } from "./lib/dev-vars";
import { mintDevToken } from "./lib/jwt";

const API_PORT = Number(process.env.PORT || 8787);
const INSPECTOR_PORT = Number(process.env.INSPECTOR_PORT || 9229);

function wantsFakeCompaniesHouse(): boolean {
  const { values } = parseArgs({ options: { "fake-companies-house": { type: "boolean", default: false } } });
  return values["fake-companies-house"] || /^(1|true|yes)$/i.test(process.env.DEV_FAKE_COMPANIES_HOUSE ?? "");
}

/** Secrets `npm run dev` fills with random values when .dev.vars lacks them or has the placeholder. */
const GENERATED_SECRETS = ["JWT_SECRET", "DATABASE_ASSERTION_KEY", "EXPORT_SIGNING_SECRET"];
const PLACEHOLDER = /^change-me/;

function ensureDevVars(): Record<string, string> {
  if (!existsSync(DEV_VARS_PATH)) {
    copyFileSync(join(ROOT, ".dev.vars.example"), DEV_VARS_PATH);
    console.log("created .dev.vars from .dev.vars.example");
  }
  let text = readFileSync(DEV_VARS_PATH, "utf8");
  const current = readDevVars();
  for (const name of GENERATED_SECRETS) {
    const value = current[name];
    if (value && !PLACEHOLDER.test(value)) continue;
    const line = `${name}=${randomBytes(32).toString("base64url")}`;
    const pattern = new RegExp(`^${name}=.*$`, "m");
    text = pattern.test(text) ? text.replace(pattern, line) : `${text.trimEnd()}\n${line}\n`;
    console.log(`.dev.vars: generated a random ${name}`);
  }
  writeFileSync(DEV_VARS_PATH, text);
  return readDevVars();
}

async function main() {
  const fakeCompaniesHouse = wantsFakeCompaniesHouse() ? await startFakeCompaniesHouse() : undefined;
  const vars = ensureDevVars();
  const databaseUrl = process.env.DATABASE_URL;
  const database = await startLocalDatabase({
    ...(databaseUrl ? { databaseUrl } : { dataDir: DEV_DATA_DIR }),
    port: DEV_NEON_PORT,
  });
  neonConfig.fetchEndpoint = database.fetchEndpoint;
  // `npm run token`, `npm run migrate` and `npm run db:assertion-key` find it here, on any port.
  recordDevServer(database.fetchEndpoint);
  console.log(
    `database: ${database.backend} (${databaseUrl ? new URL(databaseUrl).host : ".data/pglite"}) at ${database.fetchEndpoint}`,
  );
  const owner = { connectionString: database.ownerUrl, fetchEndpoint: database.fetchEndpoint };
  await applyMigrations(owner);
  const assertionKey = vars.DATABASE_ASSERTION_KEY;
  if (!assertionKey) throw new Error(".dev.vars has no DATABASE_ASSERTION_KEY");
  await installAssertionKey(owner, assertionKey);
  await seedDemo(database.ownerUrl);

  const secret = vars.JWT_SECRET;
  if (!secret) throw new Error(".dev.vars has no JWT_SECRET");
  const token = await mintDevToken({
    secret,
    subject: DEMO_OWNER.subject,
    tenantId: DEMO_TENANT_ID,
    tenantClaim: vars.JWT_TENANT_CLAIM,
    email: DEMO_OWNER.email,
    name: DEMO_OWNER.name,
  });
  console.log(`
demo tenant  ${DEMO_TENANT_ID}
demo owner   ${DEMO_OWNER.subject} (${DEMO_OWNER.email})
dev JWT      ${token}

  curl -s http://localhost:${API_PORT}/ready
  curl -s -H "Authorization: Bearer ${token}" http://localhost:${API_PORT}/v1/me
  curl -s -H "Authorization: Bearer ${token}" http://localhost:${API_PORT}/v1/members

API reference: http://localhost:${API_PORT}/docs
`);
  if (fakeCompaniesHouse) {
    console.log(`fake Companies House at ${fakeCompaniesHouse.url}: any 8-character number imports as an active company
  curl -s -X POST -H "Authorization: Bearer ${token}" -H "content-type: application/json" \\
    -d '{"company_number":"12345678"}' http://localhost:${API_PORT}/v1/companies/import
`);
  }
  const companiesHouseVars = fakeCompaniesHouse
    ? [
        "--var",
        `COMPANIES_HOUSE_API_URL:${fakeCompaniesHouse.url}`,
        "--var",
        `COMPANIES_HOUSE_API_KEY:${FAKE_COMPANIES_HOUSE_KEY}`,
      ]
    : [];

  // Checkout, portal and meter events go to the tests' fake Stripe API: no Stripe account needed.
  const stripe = await startFakeStripe();
  console.log(`Fake Stripe API: ${stripe.url} (prices price_pro_monthly, price_enterprise_monthly)`);

  // Its own process group, so Ctrl-C can stop wrangler and the workerd it spawns together.
  const wrangler: ChildProcess = spawn(
    "wrangler",
    [
      "dev",
      "--port",
      String(API_PORT),
      "--inspector-port",
      String(INSPECTOR_PORT),
      "--test-scheduled",
      "--var",
      `DATABASE_URL:${database.apiUrl}`,
      "--var",
      `MAINTENANCE_DATABASE_URL:${database.maintenanceUrl}`,
      "--var",
      `NEON_FETCH_ENDPOINT:${database.fetchEndpoint}`,
      "--var",
      "SCRAPE_ALLOW_PRIVATE_NETWORKS:true",
      ...companiesHouseVars,
      "--var",
      `STRIPE_API_URL:${stripe.url}`,
      "--var",
      `STRIPE_SECRET_KEY:${FAKE_STRIPE_KEY}`,
      "--var",
      `STRIPE_PRICE_PLANS:${JSON.stringify({ price_pro_monthly: "pro", price_enterprise_monthly: "enterprise" })}`,
    ],
    {
      cwd: ROOT,
      stdio: "inherit",
      detached: true,
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    },
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (wrangler.pid && wrangler.exitCode === null) {
      try {
        process.kill(-wrangler.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    forgetDevServer();
    await Promise.all([database.close(), fakeCompaniesHouse?.close(), stripe.close()]);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  wrangler.on("exit", (code) => void stop(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
