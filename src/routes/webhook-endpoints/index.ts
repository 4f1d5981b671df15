import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createWebhookEndpoint } from "./create-webhook-endpoint";
import { deleteWebhookEndpoint } from "./delete-webhook-endpoint";
import { getWebhookEndpoint } from "./get-webhook-endpoint";
import { listWebhookDeliveries } from "./list-webhook-deliveries";
import { listWebhookEndpoints } from "./list-webhook-endpoints";
import { retryWebhookDelivery } from "./retry-webhook-delivery";
import { rotateWebhookSecret } from "./rotate-webhook-secret";
import { testWebhookEndpoint } from "./test-webhook-endpoint";
import { updateWebhookEndpoint } from "./update-webhook-endpoint";

export const webhookEndpointRoutes = new OpenAPIHono<AppEnv>()
  .route("/", createWebhookEndpoint)
  .route("/", listWebhookEndpoints)
  .route("/", getWebhookEndpoint)
  .route("/", updateWebhookEndpoint)
  .route("/", deleteWebhookEndpoint)
  .route("/", rotateWebhookSecret)
  .route("/", testWebhookEndpoint)
  .route("/", listWebhookDeliveries)
  .route("/", retryWebhookDelivery);
