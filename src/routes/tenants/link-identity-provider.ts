import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { tenantIdentityProviders } from "../../db/schema/tenant-identity-providers";
import { problemResponses } from "../../errors/problem";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const identityProviderBodySchema = z
  .object({
    issuer: z.string().trim().min(1).max(255).openapi({
      description: "The tokens' `iss`, exactly (Auth0: `https://<tenant>.auth0.com/`, with the slash)",
      example: "https://example.eu.auth0.com/",
    }),
    organization_id: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[^\s]+$/, "no whitespace")
      .openapi({ example: "org_2abcDEF" }),
  })
  .strict()
  .openapi("IdentityProviderLink");

export const identityProviderSchema = z
  .object({
    issuer: z.string().max(255),
    organization_id: z.string().max(64),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .openapi("IdentityProvider");

export const linkIdentityProviderRoute = createRoute({
  method: "put",
  path: "/v1/tenant/identity-provider",
  operationId: "linkIdentityProvider",
  tags: ["Tenants"],
  summary: "Link the tenant to an identity provider's organisation",
  description:
    "One organisation per issuer (a second PUT for the same issuer replaces it). With `JWT_TENANT_CLAIM` naming the organisation claim (e.g. `org_id`), a token of that issuer carrying this organisation acts for this tenant; verified users of the organisation become members on their first request (role from `JWT_ROLE_CLAIM` through `JWT_ROLE_MAP`, else viewer). 409 when the organisation is linked to another tenant.",
  ...v1Access({ role: "owner", scope: "tenant:write" }),
  request: { body: { required: true, content: { "application/json": { schema: identityProviderBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Linked", content: { "application/json": { schema: identityProviderSchema } } },
    ...problemResponses(409),
  },
});

export const linkIdentityProvider = new OpenAPIHono<AppEnv>().openapi(linkIdentityProviderRoute, async (c) => {
  const { issuer, organization_id: organizationId } = c.req.valid("json");
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .insert(tenantIdentityProviders)
      .values({ issuer, organizationId })
      .onConflictDoUpdate({
        target: [tenantIdentityProviders.tenantId, tenantIdentityProviders.issuer],
        set: { organizationId: sql`excluded.organization_id` },
      })
      .returning(),
  ]);
  const [link] = rows;
  if (!link) throw new Error("upsert returned no row");
  return c.json(
    {
      issuer: link.issuer,
      organization_id: link.organizationId,
      created_at: isoTimestamp(link.createdAt),
      updated_at: isoTimestamp(link.updatedAt),
    },
    200,
  );
});
