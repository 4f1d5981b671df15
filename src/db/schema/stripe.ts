import { sql } from "drizzle-orm";
import { bigint, index, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { currentTenantId } from "./identity";
import { appApi, appAuth } from "./roles";
import { purgePolicies, tenantId } from "./tenant-scoped";

/** Every Stripe event id processed, so a redelivery changes nothing. Not a tenant's data. */
export const stripeEvents = pgTable(
  "stripe_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    /** The tenant it concerned, when one was found (no foreign key: the record outlives tenants). */
    tenantRef: uuid("tenant_ref"),
    outcome: text("outcome").notNull(),
    stripeCreatedAt: timestamptz("stripe_created_at").notNull(),
    receivedAt: timestamptz("received_at").notNull().defaultNow(),
  },
  (t) => [
    index("stripe_events_received_idx").on(t.receivedAt),
    pgPolicy("stripe_events_auth_all", { for: "all", to: appAuth, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

/** The tenant's invoices as the webhooks last described them (Stripe keeps the ledger). */
export const invoices = pgTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    number: text("number"),
    status: text("status").notNull(),
    amountDue: bigint("amount_due", { mode: "number" }).notNull(),
    amountPaid: bigint("amount_paid", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    hostedInvoiceUrl: text("hosted_invoice_url"),
    periodStart: timestamptz("period_start"),
    periodEnd: timestamptz("period_end"),
    createdAt: timestamptz("created_at").notNull(),
    stripeStateAt: timestamptz("stripe_state_at").notNull(),
  },
  (t) => [
    index("invoices_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    pgPolicy("invoices_api_select", { for: "select", to: appApi, using: sql`${t.tenantId} = ${currentTenantId}` }),
    pgPolicy("invoices_auth_all", { for: "all", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    ...purgePolicies("invoices", t.tenantId),
  ],
).enableRLS();
