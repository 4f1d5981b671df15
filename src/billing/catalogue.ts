/**
 * Names the routes and the schema share. Kept apart from the drizzle tables so that routes needing
 * only these do not pull table definitions into the Worker's bundle (300 KiB gzip budget).
 */

/** What a plan's monthly quotas count. `api_requests` is counted by the tenant's rate limiter. */
export const METRICS = ["companies_house_imports", "scrape_jobs", "exported_rows", "api_requests"] as const;
export type Metric = (typeof METRICS)[number];

/**
 * The product's modules (the `modules` table's ids, seeded by migration 0054): what a plan
 * includes and an operator may switch per tenant. A route of a module says so with
 * `v1Access(access, { module })`; a tenant without it gets 403 `module_disabled`.
 */
export const MODULES = ["companies_house", "register", "web_scrape", "technographics", "exports", "webhooks"] as const;
export type ModuleId = (typeof MODULES)[number];

export const PLAN_ID_PATTERN = "^[a-z][a-z0-9_]{0,39}$";

export const SUBSCRIPTION_STATUSES = ["trialing", "active", "past_due", "canceled"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
