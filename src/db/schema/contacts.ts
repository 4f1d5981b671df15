import { sql } from "drizzle-orm";
import { check, index, integer, pgPolicy, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { deletedAt, id, timestamps, timestamptz } from "./columns";
import { companies } from "./companies";
import { appMaintenance } from "./roles";
import { apiTenantPolicy, tenantId } from "./tenant-scoped";
import { workspacePolicy } from "./workspace-scoped";

/** GDPR Art. 6 lawful bases. */
export const LAWFUL_BASES = [
  "consent",
  "contract",
  "legal_obligation",
  "vital_interests",
  "public_task",
  "legitimate_interests",
] as const;
export const CONTACT_SOURCES = ["manual", "companies_house", "scrape", "import"] as const;

/** Business contacts of a company: personal data, so every row says where it came from and why. */
export const contacts = pgTable(
  "contacts",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id")
      .notNull()
      .references(() => companies.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    jobTitle: text("job_title"),
    email: text("email"),
    phone: text("phone"),
    lawfulBasis: text("lawful_basis", { enum: LAWFUL_BASES }).notNull(),
    source: text("source", { enum: CONTACT_SOURCES }).notNull().default("manual"),
    sourceUrl: text("source_url"),
    sourceRef: text("source_ref"),
    collectedAt: timestamptz("collected_at").notNull().defaultNow(),
    version: integer("version").notNull().default(1),
    ...timestamps,
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex("contacts_company_email_key")
      .on(t.tenantId, t.companyId, sql`lower(${t.email})`)
      .where(sql`${t.deletedAt} is null`),
    // Re-importing a company updates its officers instead of adding them again.
    uniqueIndex("contacts_companies_house_ref_key")
      .on(t.tenantId, t.companyId, t.sourceRef)
      .where(sql`${t.source} = 'companies_house' and ${t.deletedAt} is null`),
    index("contacts_tenant_company_idx").on(t.tenantId, t.companyId, t.createdAt, t.id),
    index("contacts_tenant_deleted_idx").on(t.tenantId, t.deletedAt).where(sql`${t.deletedAt} is not null`),
    index("contacts_tenant_email_idx").on(t.tenantId, sql`lower(${t.email})`),
    check(
      "contacts_lawful_basis_check",
      sql`${t.lawfulBasis} in ('consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests')`,
    ),
    check("contacts_source_check", sql`${t.source} in ('manual', 'companies_house', 'scrape', 'import')`),
    apiTenantPolicy("contacts_api_all", t.tenantId),
    workspacePolicy("contacts", sql`${t.companyId}`),
    pgPolicy("contacts_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("contacts_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
