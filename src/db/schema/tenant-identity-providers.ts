import { sql } from "drizzle-orm";
import { check, pgPolicy, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { timestamps } from "./columns";
import { appAuth } from "./roles";
import { apiTenantPolicy, purgePolicies } from "./tenant-scoped";
import { tenants } from "./tenants";

/**
 * A tenant's organisation at an identity provider (Auth0 and Clerk `org_…`): one per issuer, and
 * an organisation names one tenant only. app.begin_request resolves a token's organisation claim
 * through this table (app.external_tenant).
 */
export const tenantIdentityProviders = pgTable(
  "tenant_identity_providers",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .default(sql`app.tenant_id()`)
      .references(() => tenants.id, { onDelete: "cascade" }),
    issuer: text("issuer").notNull(),
    organizationId: text("organization_id").notNull(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ name: "tenant_identity_providers_pkey", columns: [t.tenantId, t.issuer] }),
    uniqueIndex("tenant_identity_providers_organization_key").on(t.issuer, t.organizationId),
    check("tenant_identity_providers_issuer_length", sql`length(${t.issuer}) between 1 and 255`),
    check("tenant_identity_providers_organization_length", sql`length(${t.organizationId}) between 1 and 64`),
    apiTenantPolicy("tenant_identity_providers_api_all", t.tenantId),
    pgPolicy("tenant_identity_providers_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    ...purgePolicies("tenant_identity_providers", t.tenantId),
  ],
).enableRLS();
