import { sql } from "drizzle-orm";
import { check, foreignKey, index, jsonb, pgPolicy, pgTable, smallint, text, uuid } from "drizzle-orm/pg-core";
import type { EvidenceSource } from "../../scrape/technographics/evidence";
import type { TechCategory } from "../../scrape/technographics/fingerprint";
import type { WebProfile } from "../../scrape/web-profile";
import { id, timestamptz } from "./columns";
import { companies } from "./companies";
import { appMaintenance } from "./roles";
import { scrapeJobs } from "./scrape-jobs";
import { apiTenantPolicy, tenantId } from "./tenant-scoped";
import { workspacePolicy } from "./workspace-scoped";

export const SIGNAL_KINDS = ["technology", "web_profile"] as const;

export type SignalData = {
  name?: string;
  evidence?: { source: EvidenceSource; value: string }[];
} & Partial<WebProfile>;

/**
 * What a scrape learnt about a company, with provenance (job, URL, time): one row per detected
 * technology (name = its slug, with category, confidence and evidence) and one `web_profile`
 * row per job (title, description, social profiles, contact points...).
 */
export const companySignals = pgTable(
  "company_signals",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id").notNull(),
    jobId: uuid("job_id").notNull(),
    kind: text("kind", { enum: SIGNAL_KINDS }).notNull(),
    name: text("name").notNull(),
    category: text("category").$type<TechCategory>(),
    confidence: smallint("confidence"),
    /** A technology's display name and evidence, or the web profile. */
    data: jsonb("data").$type<SignalData>().notNull(),
    sourceUrl: text("source_url").notNull(),
    fetchedAt: timestamptz("fetched_at").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "company_signals_company_fk",
      columns: [t.tenantId, t.companyId],
      foreignColumns: [companies.tenantId, companies.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "company_signals_job_fk",
      columns: [t.tenantId, t.jobId],
      foreignColumns: [scrapeJobs.tenantId, scrapeJobs.id],
    }).onDelete("cascade"),
    index("company_signals_tenant_company_idx").on(t.tenantId, t.companyId, t.fetchedAt.desc()),
    // "Which companies use X": technology slugs across a tenant.
    index("company_signals_tenant_name_idx").on(t.tenantId, t.kind, t.name),
    // "Which companies use a CRM": the company list's technology_category filter.
    index("company_signals_tenant_category_idx").on(t.tenantId, t.kind, t.category),
    index("company_signals_tenant_fetched_idx").on(t.tenantId, t.fetchedAt),
    check("company_signals_kind_check", sql`${t.kind} in ('technology', 'web_profile')`),
    check("company_signals_confidence_check", sql`${t.confidence} between 1 and 100`),
    apiTenantPolicy("company_signals_api_all", t.tenantId),
    workspacePolicy("company_signals", sql`${t.companyId}`),
    pgPolicy("company_signals_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("company_signals_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
