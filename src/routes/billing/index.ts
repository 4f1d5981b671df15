import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createCheckout } from "./create-checkout";
import { createPortal } from "./create-portal";
import { getSubscription } from "./get-subscription";
import { getUsage } from "./get-usage";
import { getUsageHistory } from "./get-usage-history";
import { listInvoices } from "./list-invoices";

export const billingRoutes = new OpenAPIHono<AppEnv>()
  .route("/", getSubscription)
  .route("/", getUsageHistory)
  .route("/", getUsage)
  .route("/", createCheckout)
  .route("/", createPortal)
  .route("/", listInvoices);
