import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgPolicy, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { deletedAt, id, timestamps, timestamptz } from "./columns";
import { appMaintenance, appPlatform, appSearch } from "./roles";
import { apiTenantPolicy, tenantId } from "./tenant-scoped";
import { workspacePolicy } from "./workspace-scoped";

export const COMPANY_SOURCES = ["manual", "companies_house", "scrape", "import"] as const;
export type CompanySource = (typeof COMPANY_SOURCES)[number];

/** Registered office as Companies House describes it. */
export interface RegisteredOffice {
  care_of?: string;
  po_box?: string;
  premises?: string;
  address_line_1?: string;
  address_line_2?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

export const companies = pgTable(
  "companies",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    /**
     * lower(name), stored: under row-level security an index serves only leakproof comparisons
     * on plain columns, and lower() is not leakproof, so searches compare this column instead.
     */
    nameKey: text("name_key").generatedAlwaysAs(sql`lower(name)`),
    companyNumber: text("company_number"),
    status: text("status"),
    type: text("type"),
    dateOfCreation: date("date_of_creation", { mode: "string" }),
    dateOfCessation: date("date_of_cessation", { mode: "string" }),
    jurisdiction: text("jurisdiction"),
    sicCodes: text("sic_codes").array().notNull().default(sql`'{}'::text[]`),
    registeredOffice: jsonb("registered_office").$type<RegisteredOffice>(),
    /** Upper-cased, space-free postcode of the registered office, for prefix filters. */
    postcode: text("postcode"),
    website: text("website"),
    domain: text("domain"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    source: text("source", { enum: COMPANY_SOURCES }).notNull().default("manual"),
    sourceRef: text("source_ref"),
    fetchedAt: timestamptz("fetched_at"),
    // Filing essentials, from the Companies House profile and filing history.
    accountsMadeUpTo: date("accounts_made_up_to", { mode: "string" }),
    accountsNextDue: date("accounts_next_due", { mode: "string" }),
    accountsOverdue: boolean("accounts_overdue"),
    lastAccountsFiledOn: date("last_accounts_filed_on", { mode: "string" }),
    confirmationStatementNextDue: date("confirmation_statement_next_due", { mode: "string" }),
    confirmationStatementOverdue: boolean("confirmation_statement_overdue"),
    chargesTotal: integer("charges_total"),
    chargesOutstanding: integer("charges_outstanding"),
    /** The type of the latest insolvency case (e.g. `creditors-voluntary-liquidation`); null: none. */
    insolvencyStatus: text("insolvency_status"),
    /**
     * What the last Companies House fetch saw of the company's people, as the salted hashes that
     * suppression uses (`{officers: [...], pscs: [...], psc_names}`; names only of legal-entity PSCs),
     * so the next fetch can tell who came and went without keeping who they are. Null until a fetch sets the baseline: no changes before it.
     */
    companiesHouseState: jsonb("companies_house_state").$type<{
      officers: string[];
      pscs: string[];
      psc_names: Record<string, string>;
    }>(),
    /** When Companies House was last asked about the company, answered or not: the refresh order. */
    checkedAt: timestamptz("checked_at"),
    /** Bumped on every change: the ETag. */
    version: integer("version").notNull().default(1),
    ...timestamps,
    deletedAt: deletedAt(),
  },
  (t) => [
    // Unique per tenant, deleted rows included: a re-create must restore (or purge) the old one.
    uniqueIndex("companies_tenant_number_key").on(t.tenantId, t.companyNumber),
    // The target of other tables' (tenant_id, company_id) keys: same tenant, enforced by the key.
    uniqueIndex("companies_tenant_id_key").on(t.tenantId, t.id),
    index("companies_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    // Retention purges of soft-deleted companies, tenant by tenant.
    index("companies_tenant_deleted_idx").on(t.tenantId, t.deletedAt).where(sql`${t.deletedAt} is not null`),
    // Byte order ("C"): serves both name prefixes (as a range) and the name sort.
    index("companies_tenant_name_key_idx").on(t.tenantId, sql`(${t.nameKey} collate "C")`, t.id),
    // tenant_id first (btree_gin), so a fuzzy search reads only its own tenant's entries.
    index("companies_tenant_name_key_trgm_idx").using("gin", t.tenantId, sql`${t.nameKey} gin_trgm_ops`),
    // Bulk imports find a website's company by its domain.
    index("companies_tenant_domain_idx").on(t.tenantId, t.domain).where(sql`${t.domain} is not null`),
    index("companies_tenant_postcode_idx").on(t.tenantId, sql`${t.postcode} text_pattern_ops`),
    // The scheduled refresh: each tenant's tracked companies, stalest first.
    index("companies_tenant_refresh_idx")
      .on(t.tenantId, sql`${t.checkedAt} nulls first`)
      .where(sql`${t.deletedAt} is null and ${t.source} = 'companies_house' and ${t.companyNumber} is not null`),
    index("companies_sic_idx").using("gin", t.sicCodes),
    index("companies_tags_idx").using("gin", t.tags),
    check("companies_source_check", sql`${t.source} in ('manual', 'companies_house', 'scrape', 'import')`),
    check("companies_number_format", sql`${t.companyNumber} ~ '^[A-Z0-9]{8}$'`),
    check("companies_name_length", sql`length(${t.name}) between 1 and 300`),
    apiTenantPolicy("companies_api_all", t.tenantId),
    workspacePolicy("companies", sql`${t.id}`),
    pgPolicy("companies_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    // For the view app.company_name_search only, whose definition narrows to the caller's tenant
    // (migration 0023 says why); app_search has SELECT on id, tenant_id, name_key, deleted_at.
    pgPolicy("companies_search_select", { for: "select", to: appSearch, using: sql`true` }),
    pgPolicy("companies_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
    pgPolicy("companies_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
  ],
).enableRLS();

export type Company = typeof companies.$inferSelect;
