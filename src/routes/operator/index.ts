import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { getStats } from "./get-stats";
import { getTenant } from "./get-tenant";
import { listAuditLog } from "./list-audit-log";
import { listPlatformSecurityEvents } from "./list-security-events";
import { listTenants } from "./list-tenants";
import { setPlan } from "./set-plan";
import { suspendTenant, unsuspendTenant } from "./suspend-tenant";
import { deleteTenantModule, setTenantModule } from "./tenant-modules";

/** Outside /v1: platform operators (and the billing system), each with an operator key or operator JWT. */
export const operatorRoutes = new OpenAPIHono<AppEnv>()
  .route("/", listTenants)
  .route("/", getTenant)
  .route("/", setPlan)
  .route("/", suspendTenant)
  .route("/", unsuspendTenant)
  .route("/", setTenantModule)
  .route("/", deleteTenantModule)
  .route("/", getStats)
  .route("/", listAuditLog)
  .route("/", listPlatformSecurityEvents);
