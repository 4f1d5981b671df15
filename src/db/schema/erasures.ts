import { sql } from "drizzle-orm";
import { check, index, jsonb, pgPolicy, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { currentTenantId } from "./identity";
import { appApi, appMaintenance } from "./roles";
import { purgeDeletePolicy, purgePolicies, tenantId } from "./tenant-scoped";

/**
 * Proof that a data subject's records were erased, holding no personal data: the subject is a
 * salted SHA-256 (tenant id + identifier), the actor is an id, the counts are numbers.
 */
export const erasureReceipts = pgTable(
  "erasure_receipts",
  {
    id: id(),
    tenantId: tenantId(),
    subjectHash: text("subject_hash").notNull(),
    subjectKind: text("subject_kind").notNull(),
    actorType: text("actor_type").notNull().default(sql`app.actor_type()`),
    actorId: uuid("actor_id").default(sql`app.actor_id()`),
    requestId: text("request_id").default(sql`app.request_id()`),
    counts: jsonb("counts").$type<Record<string, number>>().notNull(),
    erasedAt: timestamptz("erased_at").notNull().defaultNow(),
  },
  (t) => [
    index("erasure_receipts_tenant_idx").on(t.tenantId, t.erasedAt.desc()),
    check("erasure_receipts_kind_check", sql`${t.subjectKind} in ('email', 'contact')`),
    pgPolicy("erasure_receipts_api_select", {
      for: "select",
      to: appApi,
      using: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("erasure_receipts_api_insert", {
      for: "insert",
      to: appApi,
      withCheck: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("erasure_receipts_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    purgeDeletePolicy("erasure_receipts", t.tenantId),
  ],
).enableRLS();

/**
 * People a tenant must not collect again after an erasure: hashed work emails and Companies
 * House appointment references. A trigger on contacts refuses (or, for imports, skips) them.
 */
export const suppressedSubjects = pgTable(
  "suppressed_subjects",
  {
    tenantId: tenantId(),
    subjectHash: text("subject_hash").notNull(),
    receiptId: uuid("receipt_id").references(() => erasureReceipts.id, { onDelete: "set null" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "suppressed_subjects_pkey", columns: [t.tenantId, t.subjectHash] }),
    pgPolicy("suppressed_subjects_api_select", {
      for: "select",
      to: appApi,
      using: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("suppressed_subjects_api_insert", {
      for: "insert",
      to: appApi,
      withCheck: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    ...purgePolicies("suppressed_subjects", t.tenantId),
  ],
).enableRLS();
