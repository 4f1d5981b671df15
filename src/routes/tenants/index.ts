import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createTenant } from "./create-tenant";
import { deleteTenant } from "./delete-tenant";
import { getTenant } from "./get-tenant";
import { linkIdentityProvider } from "./link-identity-provider";
import { restoreTenant } from "./restore-tenant";
import { transferOwnership } from "./transfer-ownership";
import { updateTenant } from "./update-tenant";

export const tenantRoutes = new OpenAPIHono<AppEnv>()
  .route("/", createTenant)
  .route("/", getTenant)
  .route("/", updateTenant)
  .route("/", deleteTenant)
  .route("/", restoreTenant)
  .route("/", transferOwnership)
  .route("/", linkIdentityProvider);
