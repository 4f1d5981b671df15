import type { OpenAPIHono } from "@hono/zod-openapi";
import type { OpenAPIObject, ServerObject } from "openapi3-ts/oas31";
import type { AppEnv } from "../app-env";
import { applyConventions } from "./conventions";
import { RESPONSE_HEADERS } from "./headers";

export const API_VERSION = "1.0.0";
export const PRODUCTION_URL = "https://api.detecktiv.co.uk";

const PRODUCTION_SERVER: ServerObject = { url: PRODUCTION_URL, description: "Production", "x-internal": false };

const TAGS = [
  { name: "System", description: "Liveness and readiness probes" },
  { name: "Me", description: "The signed-in user" },
  { name: "Tenants", description: "The tenant: name, plan, usage, ownership" },
  { name: "Members", description: "Who belongs to the tenant, with which role" },
  { name: "Invitations", description: "Membership by consent: single-use, expiring invitations by email" },
  { name: "Workspaces", description: "Territories: members confined to some of the tenant's companies" },
  { name: "API keys", description: "Keys for programmatic clients: hashed, scoped, revocable" },
  { name: "Audit log", description: "Every write and privileged read" },
  { name: "Companies", description: "The tenant's book of UK companies, with Companies House import" },
  { name: "Contacts", description: "Business contacts of a company (personal data under UK GDPR)" },
  { name: "Scrape jobs", description: "Website enrichment: robots.txt-respecting scrapes and what they found" },
  { name: "Privacy", description: "Data-subject export and erasure, retention periods, maintenance receipts" },
  { name: "Operator", description: "For the billing system and operators only" },
];

/** Components the route definitions refer to by name. */
export function registerComponents(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A JWT (HS256 with the shared secret, or RS256/ES256 from the configured JWKS), or an API key `dtk_…`. " +
      "Tokens are handled as RFC8725 advises: the algorithm is taken from an allow-list, never from the token; " +
      "issuer, audience and expiry are checked.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "operatorAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "An operator key `dop_…` (created with `npm run operator-key -- --name <who>`, revocable), or, when " +
      "OPERATOR_JWT_ISSUER is set, a JWT of that issuer whose OPERATOR_JWT_ROLE_CLAIM holds OPERATOR_JWT_ROLE.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "stripeSignature", {
    type: "apiKey",
    in: "header",
    name: "Stripe-Signature",
    description:
      "Stripe's HMAC-SHA256 signature of the raw body with the webhook endpoint's secret (STRIPE_WEBHOOK_SECRET).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description: "An API key `dtk_…`, as an alternative to `Authorization: Bearer`.",
  });
  for (const [name, header] of Object.entries(RESPONSE_HEADERS)) {
    app.openAPIRegistry.registerComponent("headers", name, header);
  }
}

/** The OpenAPI 3.1 document of `app`, as published at /openapi.json (servers aside). */
export function buildOpenApiDocument(app: OpenAPIHono<AppEnv>): OpenAPIObject {
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Detecktiv API",
      version: API_VERSION,
      description:
        "Multi-tenant UK sales intelligence: companies, contacts, Companies House and website enrichment. " +
        "Errors are RFC 9457 problem details; lists are cursor-paginated; writes take an Idempotency-Key and " +
        "updates an If-Match.",
      contact: { name: "Detecktiv API support", email: "api@detecktiv.co.uk", url: "https://detecktiv.co.uk/support" },
      license: { name: "Proprietary", url: "https://detecktiv.co.uk/terms" },
    },
    servers: [PRODUCTION_SERVER],
    tags: TAGS,
  });
  return applyConventions(document);
}

/**
 * The document as served by a deployment: its own origin first, so "try it" in /docs and
 * clients that take the first server talk to the deployment that served it.
 */
export function servedDocument(document: OpenAPIObject, origin: string, environment: string): OpenAPIObject {
  if (origin === PRODUCTION_URL) return document;
  const own: ServerObject = { url: origin, description: `This deployment (${environment})`, "x-internal": true };
  return { ...document, servers: [own, PRODUCTION_SERVER] };
}
