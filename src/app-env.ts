import type { Config } from "./config/config";
import type { Env } from "./config/env";
import type { DatabaseClients } from "./db/client";
import type { Logger } from "./observability/logger";

/** The one Hono environment type: bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    logger: Logger;
    config: Config;
    db: DatabaseClients;
    /** Set once the request is known to act for a tenant; the access log reports it. */
    tenantId?: string;
  };
}
