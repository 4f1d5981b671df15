import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { and, desc, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { invoices } from "../../db/schema/stripe";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const invoiceSchema = z
  .object({
    id: z.string().max(255),
    number: z.string().max(255).nullable(),
    status: z.string().max(40).openapi({ example: "paid" }),
    amount_due: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: "Minor units" }),
    amount_paid: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    currency: z.string().max(3),
    hosted_invoice_url: z.url().max(2048).nullable(),
    period_start: timestampSchema.nullable(),
    period_end: timestampSchema.nullable(),
    created_at: timestampSchema,
  })
  .openapi("Invoice");

export const listInvoicesRoute = createRoute({
  method: "get",
  path: "/v1/billing/invoices",
  operationId: "listInvoices",
  tags: ["Billing"],
  summary: "The tenant's invoices",
  description:
    "Newest first, as Stripe's `invoice.*` webhooks last described them (Stripe keeps the ledger; pay or download " +
    "through `hosted_invoice_url`).",
  ...v1Access({ role: "admin", scope: "tenant:read" }),
  request: { query: pageQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "A page of invoices", content: { "application/json": { schema: pageSchema(invoiceSchema) } } },
  },
});

export const listInvoices = new OpenAPIHono<AppEnv>().openapi(listInvoicesRoute, async (c) => {
  const query = c.req.valid("query");
  const before = decodeCursor(query.cursor, 2);
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .select()
      .from(invoices)
      .where(
        and(
          sql`${invoices.tenantId} = app.tenant_id()`,
          before ? sql`(${invoices.createdAt}, ${invoices.id}) < (${before[0]}::timestamptz, ${before[1]})` : undefined,
        ),
      )
      .orderBy(desc(invoices.createdAt), desc(invoices.id))
      .limit(query.limit + 1),
  ]);
  const result = page(rows, query.limit, (row) => [row.createdAt, row.id]);
  return c.json(
    {
      items: result.items.map((row) => ({
        id: row.id,
        number: row.number,
        status: row.status,
        amount_due: row.amountDue,
        amount_paid: row.amountPaid,
        currency: row.currency,
        hosted_invoice_url: row.hostedInvoiceUrl,
        period_start: isoTimestamp(row.periodStart),
        period_end: isoTimestamp(row.periodEnd),
        created_at: isoTimestamp(row.createdAt),
      })),
      next_cursor: result.next_cursor,
    },
    200,
  );
});
