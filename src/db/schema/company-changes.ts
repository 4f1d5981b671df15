import { sql } from "drizzle-orm";
import { check, foreignKey, index, jsonb, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { companies } from "./companies";
import { currentTenantId } from "./identity";
import { appApi, appMaintenance } from "./roles";
import { tenantId } from "./tenant-scoped";
import { workspacePolicy } from "./workspace-scoped";

/** What a Companies House fetch can find different from the one before. */
export const CHANGE_TYPES = [
  "officer_appointed",
  "officer_resigned",
  "psc_added",
  "psc_ceased",
  "status_changed",
  "accounts_filed",
  "address_changed",
  "sic_codes_changed",
  "insolvency",
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/**
 * Differences between two Companies House fetches of a company, written only by
 * app.record_company_changes (migration 0032). Rows about people hold no personal data: the
 * person is `subject_hash` (the hash suppression uses), resolved to the contact when read, so an
 * erased person's changes no longer name them. Append-only: the API may read and insert.
 */
export const companyChanges = pgTable(
  "company_changes",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id").notNull(),
    type: text("type", { enum: CHANGE_TYPES }).notNull(),
    /** Before and after, or the role and dates of a person's change: never a person's name. */
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    subjectHash: text("subject_hash"),
    detectedAt: timestamptz("detected_at").notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "company_changes_company_fk",
      columns: [t.tenantId, t.companyId],
      foreignColumns: [companies.tenantId, companies.id],
    }).onDelete("cascade"),
    index("company_changes_tenant_detected_idx").on(t.tenantId, t.detectedAt.desc(), t.id.desc()),
    index("company_changes_tenant_type_idx").on(t.tenantId, t.type, t.detectedAt.desc(), t.id.desc()),
    index("company_changes_company_idx").on(t.tenantId, t.companyId, t.detectedAt.desc(), t.id.desc()),
    check(
      "company_changes_type_check",
      sql`${t.type} in ('officer_appointed', 'officer_resigned', 'psc_added', 'psc_ceased', 'status_changed',
        'accounts_filed', 'address_changed', 'sic_codes_changed', 'insolvency')`,
    ),
    pgPolicy("company_changes_api_select", {
      for: "select",
      to: appApi,
      using: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("company_changes_api_insert", {
      for: "insert",
      to: appApi,
      withCheck: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    workspacePolicy("company_changes", sql`${t.companyId}`),
    pgPolicy("company_changes_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("company_changes_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
