import { z } from "zod";
import { parsePolicies } from "../rate-limit/policy";
import { isSecretsKey } from "../webhooks/secrets";
import type { Env } from "./env";

const list = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

const bool = z.enum(["true", "false"]).transform((value) => value === "true");
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" });

const pricePlans = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .optional()
  .transform((value, ctx) => {
    try {
      const parsed: unknown = typeof value === "string" ? JSON.parse(value) : (value ?? {});
      return z.record(z.string().min(1).max(255), z.string().regex(/^[a-z][a-z0-9_]{0,39}$/)).parse(parsed);
    } catch {
      ctx.addIssue({ code: "custom", message: 'must be JSON like {"price_123":"pro"}' });
      return z.NEVER;
    }
  });

const configSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "staging", "production"]).default("development"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  DATABASE_URL: postgresUrl,
  MAINTENANCE_DATABASE_URL: postgresUrl.optional(),
  // Signs each round trip's identity for app.begin_request; the database holds the same key.
  DATABASE_ASSERTION_KEY: z.string().min(32, "must be at least 32 characters"),
  // Operators sign in with operator keys (npm run operator-key); optionally also with JWTs of this
  // issuer that carry OPERATOR_JWT_ROLE_CLAIM = OPERATOR_JWT_ROLE (verified like JWT_*: HS256 with
  // JWT_SECRET or RS256/ES256 against OPERATOR_JWT_JWKS_URL, else JWT_JWKS_URL).
  OPERATOR_JWT_ISSUER: z.string().min(1).optional(),
  OPERATOR_JWT_AUDIENCE: z.string().min(1).optional(),
  OPERATOR_JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  OPERATOR_JWT_ROLE_CLAIM: z.string().min(1).default("platform_role"),
  OPERATOR_JWT_ROLE: z.string().min(1).default("operator"),
  // Security events: how often the aggregating Durable Object writes its counts, and how long the
  // client addresses in them are kept (the retention cron clears them) and the events themselves.
  SECURITY_EVENTS_FLUSH_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  SECURITY_EVENTS_ADDRESS_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  SECURITY_EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  // At least 40: Stripe takes meter events up to 35 days old, and a report's id must outlive its resends.
  USAGE_REPORTS_RETENTION_DAYS: z.coerce.number().int().min(40).max(3650).default(400),
  NEON_FETCH_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  // A request's whole database time; queue and cron work get it per round trip.
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  CORS_ORIGINS: z.string().default("").transform(list),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  // POST /v1/imports takes up to 10,000 rows: its own, larger body limit.
  IMPORT_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  // Rows one import message works through before it hands the import on (fairness between imports);
  // at most 70, since a company costs ~13 subrequests of the invocation's 1,000.
  IMPORT_ROWS_PER_MESSAGE: z.coerce.number().int().min(1).max(70).default(50),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_ALGORITHMS: z
    .string()
    .default("HS256")
    .transform(list)
    .pipe(z.array(z.enum(["HS256", "RS256", "ES256"])).min(1)),
  JWT_TENANT_CLAIM: z.string().min(1).default("tenant_id"),
  JWT_ROLE_CLAIM: z.string().min(1).optional(),
  // {"org:admin": "admin", "org:member": "viewer"}: identity-provider role values to ours (never owner).
  JWT_ROLE_MAP: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return {};
      try {
        const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
        return z.record(z.string(), z.enum(["admin", "editor", "viewer"])).parse(parsed);
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be JSON like {"org:admin":"admin","org:member":"viewer"}' });
        return z.NEVER;
      }
    }),
  JWT_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(30),
  // Unset: a token is good until its `exp`. Set: also refused once its `iat` is older (up to a year).
  JWT_MAX_AGE_S: z.coerce.number().int().min(60).max(31_536_000).optional(),
  RATE_LIMIT_FAIL_MODE: z.enum(["open", "closed"]).default("open"),
  RATE_LIMIT_ENABLED: bool.default(true),
  // Cloudflare's Durable Object location hints; README "Deploy" says how to pick the one next to Neon.
  RATE_LIMITER_LOCATION_HINT: z
    .enum(["wnam", "enam", "sam", "weur", "eeur", "apac", "apac-ne", "apac-se", "oc", "afr", "me"])
    .optional(),
  RATE_LIMIT_PLANS: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .optional()
    .transform((value, ctx) => {
      try {
        // Checked here, parsed by the limiter's objects: the Worker passes the text on.
        const json = typeof value === "object" ? JSON.stringify(value) : value;
        parsePolicies(json);
        return json || undefined;
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be JSON like {"free":{"per_minute":60,"burst":30}}' });
        return z.NEVER;
      }
    }),
  COMPANIES_HOUSE_API_KEY: z.string().min(1).optional(),
  COMPANIES_HOUSE_API_URL: z.url().default("https://api.company-information.service.gov.uk"),
  // The scheduled refresh: Companies House requests one run may spend (of the key's 600 per 5
  // minutes, shared with interactive imports), and how old a company's data must be to be due.
  COMPANIES_HOUSE_REFRESH_REQUESTS: z.coerce.number().int().min(0).max(600).default(200),
  COMPANIES_HOUSE_REFRESH_AFTER_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24),
  SCRAPE_USER_AGENT: z.string().min(1).default("DetecktivBot/1.0 (+https://detecktiv.co.uk/bot)"),
  SCRAPE_MAX_PAGES: z.coerce.number().int().min(1).max(50).default(5),
  SCRAPE_ALLOW_PRIVATE_NETWORKS: bool.default(false),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(5000),
  CRON_TIME_BUDGET_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  // Each statement is a subrequest; a Worker invocation may make 1,000 (paid plan).
  CRON_MAX_STATEMENTS: z.coerce.number().int().min(1).max(900).default(500),
  SCRAPE_MIN_HOST_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  SCRAPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  SCRAPE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(30).default(7),
  // The page of the product that takes `?token=` and calls POST /v1/invitations/accept.
  INVITATION_ACCEPT_URL: z.url({ protocol: /^https?$/ }).default("https://app.detecktiv.co.uk/invitations/accept"),
  EMAIL_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  EMAIL_API_TOKEN: z.string().min(1).optional(),
  EMAIL_FROM: z.string().min(3).max(320).optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_API_URL: z.url({ protocol: /^https?$/ }).default("https://api.stripe.com"),
  STRIPE_PRICE_PLANS: pricePlans,
  STRIPE_WEBHOOK_TOLERANCE_S: z.coerce.number().int().min(1).max(3600).default(300),
  // past_due keeps the plan this long, then the tenant is on free.
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  // The Stripe billing meter's event name that API requests are reported under.
  STRIPE_METER_EVENT_NAME: z
    .string()
    .regex(/^[a-z0-9_]{1,100}$/)
    .default("api_requests"),
  // Unset: webhook endpoints cannot be created (503) and nothing is sent.
  WEBHOOK_SECRETS_KEY: z.string().refine(isSecretsKey, "must be base64 of 32 bytes").optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
  WEBHOOK_USER_AGENT: z.string().min(1).default("Detecktiv-Webhooks/1.0 (+https://detecktiv.co.uk/docs/webhooks)"),
  // Unset: exports cannot be requested (503) and no download link is given.
  EXPORT_SIGNING_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  // Short: whoever holds a link may download until it expires; GET /v1/exports/{id} gives a fresh one.
  EXPORT_LINK_TTL_S: z.coerce.number().int().min(60).max(3600).default(900),
});

export type Config = z.output<typeof configSchema>;

interface Problem {
  variable: string;
  message: string;
}

/** Rules across variables, checked on the raw values so that every problem is reported at once. */
function crossChecks(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  if (!raw.JWT_SECRET && !raw.JWT_JWKS_URL) {
    problems.push({ variable: "JWT_SECRET", message: "set JWT_SECRET or JWT_JWKS_URL" });
  }
  if (raw.EMAIL_API_URL) {
    for (const variable of ["EMAIL_API_TOKEN", "EMAIL_FROM"] as const) {
      if (!raw[variable]) problems.push({ variable, message: "is required when EMAIL_API_URL is set" });
    }
  }
  if (raw.ENVIRONMENT === "production") {
    if (raw.NEON_FETCH_ENDPOINT)
      problems.push({ variable: "NEON_FETCH_ENDPOINT", message: "must not be set in production" });
    if (raw.SCRAPE_ALLOW_PRIVATE_NETWORKS === "true") {
      problems.push({ variable: "SCRAPE_ALLOW_PRIVATE_NETWORKS", message: "must be false in production" });
    }
  }
  return problems;
}

/** Names the variables that are wrong, never their values (they may be secrets). */
export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`invalid environment: ${problems.map((p) => `${p.variable} ${p.message}`).join("; ")}`);
    this.name = "ConfigError";
  }
}

// The env object is stable for the life of an isolate: parse it once.
const cache = new WeakMap<object, Config>();

export function loadConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  // wrangler passes unset optional vars as absent, but `.dev.vars` can hold empty strings.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = configSchema.safeParse(present);
  const problems = [
    ...(parsed.error?.issues.map((issue) => ({ variable: String(issue.path[0] ?? "env"), message: issue.message })) ??
      []),
    ...crossChecks(present),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  cache.set(env, parsed.data);
  return parsed.data;
}
