import { sql } from "drizzle-orm";
import { check, index, pgPolicy, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { currentTenantId } from "./identity";
import { appApi, appAuth, appPlatform } from "./roles";
import { purgeDeletePolicy } from "./tenant-scoped";
import { tenants } from "./tenants";
import { users } from "./users";

/** Keys act with a role below owner: deleting a tenant or moving ownership needs a person. */
export const API_KEY_ROLES = ["admin", "editor", "viewer"] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * The secret is shown once at creation; only its SHA-256 is stored (keys are 256-bit random,
 * so a fast hash is enough) plus a short prefix to recognise the key in lists.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    role: text("role", { enum: API_KEY_ROLES }).notNull(),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    expiresAt: timestamptz("expires_at"),
    revokedAt: timestamptz("revoked_at"),
    lastUsedAt: timestamptz("last_used_at"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("api_keys_key_hash_key").on(t.keyHash),
    index("api_keys_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    check("api_keys_role_check", sql`${t.role} in ('admin', 'editor', 'viewer')`),
    check("api_keys_key_hash_format", sql`${t.keyHash} ~ '^[0-9a-f]{64}$'`),
    pgPolicy("api_keys_api_select", { for: "select", to: appApi, using: sql`${t.tenantId} = ${currentTenantId}` }),
    pgPolicy("api_keys_api_insert", { for: "insert", to: appApi, withCheck: sql`${t.tenantId} = ${currentTenantId}` }),
    pgPolicy("api_keys_api_update", {
      for: "update",
      to: appApi,
      using: sql`${t.tenantId} = ${currentTenantId}`,
      withCheck: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("api_keys_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("api_keys_auth_update", { for: "update", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    // (The cron reads keys for expiry: api_keys_maintenance_select, migration 0021.)
    // app.record_security_events tells a revoked or expired key from an unknown one.
    pgPolicy("api_keys_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
    purgeDeletePolicy("api_keys", t.tenantId),
  ],
).enableRLS();

export type ApiKey = typeof apiKeys.$inferSelect;
