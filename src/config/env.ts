import type { ImportMessage } from "../imports/message";
import type { BillingMessage } from "../jobs/billing/message";
import type { ExportMessage } from "../jobs/exports/message";
import type { ScrapeMessage } from "../jobs/scrape/message";
import type { TenantRateLimiter } from "../rate-limit/tenant-rate-limiter";
import type { HostThrottle } from "../scrape/host-throttle";
import type { SecurityEventSink } from "../security-events/sink";
import type { WebhookMessage } from "../webhooks/message";

/** Everything the Worker receives from wrangler.toml, secrets and `.dev.vars`. */
export interface Env {
  RATE_LIMITER: DurableObjectNamespace<TenantRateLimiter>;
  SCRAPE_QUEUE: Queue<ScrapeMessage>;
  /** Usage reports for Stripe's billing meter events (sent by the tenants' rate limiters). */
  BILLING_QUEUE: Queue<BillingMessage>;
  IMPORT_QUEUE: Queue<ImportMessage>;
  WEBHOOK_QUEUE: Queue<WebhookMessage>;
  /** Export jobs (POST /v1/exports): the consumer writes each file to EXPORTS_BUCKET. */
  EXPORT_QUEUE: Queue<ExportMessage>;
  /** R2: the export files, under `exports/<tenant id>/<export id>.<csv|ndjson>`. */
  EXPORTS_BUCKET: R2Bucket;
  HOST_THROTTLE: DurableObjectNamespace<HostThrottle>;
  /** Aggregates security events and writes them in batches (src/security-events). */
  SECURITY_EVENTS: DurableObjectNamespace<SecurityEventSink>;
  /** Static assets (wrangler.toml `[assets]`): the pinned API reference UI that /docs serves. */
  ASSETS: Fetcher;

  ENVIRONMENT?: string;
  LOG_LEVEL?: string;
  DATABASE_URL?: string;
  MAINTENANCE_DATABASE_URL?: string;
  /** Secret shared with the database (app.assertion_keys): signs every round trip's identity. */
  DATABASE_ASSERTION_KEY?: string;
  OPERATOR_JWT_ISSUER?: string;
  OPERATOR_JWT_AUDIENCE?: string;
  OPERATOR_JWT_JWKS_URL?: string;
  OPERATOR_JWT_ROLE_CLAIM?: string;
  OPERATOR_JWT_ROLE?: string;
  SECURITY_EVENTS_FLUSH_MS?: string;
  SECURITY_EVENTS_ADDRESS_RETENTION_DAYS?: string;
  SECURITY_EVENTS_RETENTION_DAYS?: string;
  USAGE_REPORTS_RETENTION_DAYS?: string;
  /** Development and tests only: send the Neon HTTP driver to a local server instead of Neon. */
  NEON_FETCH_ENDPOINT?: string;
  DATABASE_TIMEOUT_MS?: string;
  CORS_ORIGINS?: string;
  MAX_BODY_BYTES?: string;
  IMPORT_MAX_BODY_BYTES?: string;
  IMPORT_ROWS_PER_MESSAGE?: string;
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  JWT_ALGORITHMS?: string;
  JWT_TENANT_CLAIM?: string;
  /** A claim carrying the caller's role at the identity provider, and how its values map to ours. */
  JWT_ROLE_CLAIM?: string;
  JWT_ROLE_MAP?: string | Record<string, unknown>;
  JWT_CLOCK_TOLERANCE_S?: string;
  JWT_MAX_AGE_S?: string;
  RATE_LIMIT_FAIL_MODE?: string;
  RATE_LIMIT_ENABLED?: string;
  /** Where new limiter objects are created (a Durable Object location hint): near the database. */
  RATE_LIMITER_LOCATION_HINT?: string;
  /** JSON text, or an object when set as a TOML table in wrangler.toml. */
  RATE_LIMIT_PLANS?: string | Record<string, unknown>;
  COMPANIES_HOUSE_API_KEY?: string;
  COMPANIES_HOUSE_API_URL?: string;
  COMPANIES_HOUSE_REFRESH_REQUESTS?: string;
  COMPANIES_HOUSE_REFRESH_AFTER_HOURS?: string;
  SCRAPE_USER_AGENT?: string;
  SCRAPE_MAX_PAGES?: string;
  SCRAPE_ALLOW_PRIVATE_NETWORKS?: string;
  SCRAPE_MIN_HOST_DELAY_MS?: string;
  RETENTION_BATCH_SIZE?: string;
  CRON_TIME_BUDGET_MS?: string;
  CRON_MAX_STATEMENTS?: string;
  SCRAPE_TIMEOUT_MS?: string;
  SCRAPE_MAX_BYTES?: string;
  /** Invitations: how long a token stays valid, and where its link points. */
  INVITATION_TTL_DAYS?: string;
  INVITATION_ACCEPT_URL?: string;
  /** An email provider's HTTP API (Resend's shape); unset, invitation links go back to the admin. */
  EMAIL_API_URL?: string;
  EMAIL_API_TOKEN?: string;
  EMAIL_FROM?: string;
  /** Secrets: Stripe's API key and the webhook endpoint's signing secret (`whsec_…`). */
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_API_URL?: string;
  /** JSON: Stripe price id → plan id. */
  STRIPE_PRICE_PLANS?: string | Record<string, unknown>;
  STRIPE_WEBHOOK_TOLERANCE_S?: string;
  BILLING_GRACE_DAYS?: string;
  STRIPE_METER_EVENT_NAME?: string;
  /** Secret: base64 of 32 bytes; encrypts webhook signing secrets at rest (AES-256-GCM). */
  WEBHOOK_SECRETS_KEY?: string;
  WEBHOOK_TIMEOUT_MS?: string;
  WEBHOOK_USER_AGENT?: string;
  /** Secret: signs export download links (HMAC-SHA-256); unset, exports are off (503). */
  EXPORT_SIGNING_SECRET?: string;
  /** How long a download link stays valid, in seconds. */
  EXPORT_LINK_TTL_S?: string;
}
