import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { getSubscription } from "./get-subscription";
import { getUsage } from "./get-usage";
import { getUsageHistory } from "./get-usage-history";

export const billingRoutes = new OpenAPIHono<AppEnv>()
  .route("/", getSubscription)
  .route("/", getUsageHistory)
  .route("/", getUsage);
