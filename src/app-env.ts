import type { Principal } from "./auth/principal";
import type { CompaniesHouse } from "./companies-house/client";
import type { Config } from "./config/config";
import type { Env } from "./config/env";
import type { ApiDatabaseClient, DatabaseClient } from "./db/client";
import type { OperatorDatabase } from "./db/operator-database";
import type { RequestIdentity, ScopedDatabase } from "./db/scoped-database";
import type { Logger } from "./observability/logger";
import type { RateLimiter } from "./rate-limit/rate-limiter";

/** The one Hono environment type: bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    logger: Logger;
    config: Config;
    database: ApiDatabaseClient;
    /** As app_maintenance (crons' role); null when MAINTENANCE_DATABASE_URL is not set. */
    maintenanceDatabase: DatabaseClient | null;
    /** Set by `authenticate()`. */
    principal: Principal;
    /** Set by `authorize()`: the database as this caller sees it. */
    scoped: ScopedDatabase;
    /** Set by `operatorAuth()` on /internal routes: the database as this operator sees it. */
    operator: OperatorDatabase;
    /** Set by the first batch of the request: who Postgres says the caller is. */
    identity?: RequestIdentity;
    rateLimiter: RateLimiter;
    /** Null when COMPANIES_HOUSE_API_KEY is not set. */
    companiesHouse: CompaniesHouse | null;
    /** RateLimit / RateLimit-Policy for the response, once the limiter has decided. */
    rateLimitHeaders?: Record<string, string>;
    /** Set once the request is known to act for a tenant; the access log reports it. */
    tenantId?: string;
    /** The rate-limit bucket of a request whose tenant the database resolves (an organisation). */
    rateLimitBucket?: string;
  };
}
