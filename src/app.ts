import { OpenAPIHono } from "@hono/zod-openapi";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { OpenAPIObject } from "openapi3-ts/oas31";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors/api-error";
import { onError } from "./errors/on-error";
import { problemResponse } from "./errors/problem";
import { validationHook } from "./errors/validation-hook";
import { accessLog } from "./middleware/access-log";
import { bodyLimit } from "./middleware/body-limit";
import { config } from "./middleware/config";
import { cors } from "./middleware/cors";
import { requestId } from "./middleware/request-id";
import { securityHeaders } from "./middleware/security-headers";
import { services } from "./middleware/services";
import { buildOpenApiDocument, registerComponents, servedDocument } from "./openapi/document";
import { apiKeyRoutes } from "./routes/api-keys";
import { auditLogRoutes } from "./routes/audit-log";
import { billingRoutes } from "./routes/billing";
import { changeRoutes } from "./routes/changes";
import { companyRoutes } from "./routes/companies";
import { contactRoutes } from "./routes/contacts";
import { eventRoutes } from "./routes/events";
import { exportRoutes } from "./routes/exports";
import { featureFlagRoutes } from "./routes/feature-flags";
import { importRoutes } from "./routes/imports";
import { invitationRoutes } from "./routes/invitations";
import { maintenanceRoutes } from "./routes/maintenance";
import { meRoutes } from "./routes/me";
import { memberRoutes } from "./routes/members";
import { operatorRoutes } from "./routes/operator";
import { planRoutes } from "./routes/plans";
import { privacyRoutes } from "./routes/privacy";
import { registerRoutes } from "./routes/register";
import { scrapeJobRoutes } from "./routes/scrape-jobs";
import { securityEventRoutes } from "./routes/security-events";
import { sicCodeRoutes } from "./routes/sic-codes";
import { systemRoutes } from "./routes/system";
import { tenantRoutes } from "./routes/tenants";
import { webhookEndpointRoutes } from "./routes/webhook-endpoints";
import { stripeWebhook } from "./routes/webhooks/stripe-webhook";
import { workspaceRoutes } from "./routes/workspaces";

/** Builds the whole HTTP application: middleware in order, routes, error handling, OpenAPI. */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(requestId());
  app.use(accessLog());
  app.use(securityHeaders());
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problemResponse(
          new ApiError("method_not_allowed", `${c.req.method} is not supported here; use ${methods.join(", ")}.`, {
            headers: { allow: methods.join(", ") },
          }),
          c.get("requestId"),
          c.req.path,
        ),
    }),
  );
  app.use(config());
  app.use(cors());
  app.use(bodyLimit());
  app.use(services());

  app.route("/", systemRoutes);
  app.route("/", meRoutes);
  app.route("/", tenantRoutes);
  app.route("/", planRoutes);
  app.route("/", billingRoutes);
  app.route("/", memberRoutes);
  app.route("/", invitationRoutes);
  app.route("/", workspaceRoutes);
  app.route("/", apiKeyRoutes);
  app.route("/", auditLogRoutes);
  app.route("/", securityEventRoutes);
  app.route("/", companyRoutes);
  app.route("/", registerRoutes);
  app.route("/", sicCodeRoutes);
  app.route("/", contactRoutes);
  app.route("/", changeRoutes);
  app.route("/", scrapeJobRoutes);
  app.route("/", exportRoutes);
  app.route("/", importRoutes);
  app.route("/", privacyRoutes);
  app.route("/", eventRoutes);
  app.route("/", webhookEndpointRoutes);
  app.route("/", maintenanceRoutes);
  app.route("/", operatorRoutes);
  app.route("/", featureFlagRoutes);
  app.route("/", stripeWebhook);

  registerComponents(app);
  let document: OpenAPIObject | undefined;
  app.get("/openapi.json", (c) => {
    // Built once per isolate: generating it walks every route's schemas.
    document ??= buildOpenApiDocument(app);
    return c.json(servedDocument(document, new URL(c.req.url).origin, c.get("config").ENVIRONMENT));
  });

  app.notFound((c) =>
    problemResponse(
      new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}.`),
      c.get("requestId"),
      c.req.path,
    ),
  );
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
