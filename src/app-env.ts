import type { Principal } from "./auth/principal";
import type { Config } from "./config/config";
import type { Env } from "./config/env";
import type { DatabaseClient } from "./db/client";
import type { ScopedDatabase } from "./db/scoped-database";
import type { Logger } from "./observability/logger";

/** The one Hono environment type: bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    logger: Logger;
    config: Config;
    database: DatabaseClient;
    /** Set by `authenticate()`. */
    principal: Principal;
    /** Set by `authorize()`: the database as this caller sees it. */
    scoped: ScopedDatabase;
    /** Set once the request is known to act for a tenant; the access log reports it. */
    tenantId?: string;
  };
}
