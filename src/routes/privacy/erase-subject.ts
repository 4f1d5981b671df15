import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { subjectSchema } from "./schemas";
import { subjectSql } from "./subject";

const erasureSchema = z
  .object({
    receipt_id: z.uuid(),
    erased: z.object({ contacts: z.number().int().min(0).max(2_147_483_647) }),
    suppressed: z
      .number()
      .int()
      .min(0)
      .max(2_147_483_647)
      .openapi({ description: "Identifiers (hashed) newly added to the suppression list" }),
    erased_at: timestampSchema,
  })
  .openapi("Erasure");

export const eraseSubjectRoute = createRoute({
  method: "post",
  path: "/v1/privacy/erase",
  operationId: "eraseDataSubject",
  tags: ["Privacy"],
  summary: "Erase a person (GDPR Art. 17)",
  description:
    "Hard-deletes every contact record of the person (deleted ones too) in one transaction, leaves a receipt " +
    "holding no personal data (hashed identifier, time, actor, counts) and puts the person's email and Companies " +
    "House appointment on the tenant's suppression list: adding them again is refused, imports skip them. " +
    "An email the tenant holds nothing about is still suppressed. User accounts are not erased here: they " +
    "belong to their owners, not to the tenant (remove the member instead).",
  ...v1Access({ role: "admin", scope: "privacy:write" }),
  request: { body: { required: true, content: { "application/json": { schema: subjectSchema } } } },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Erased", content: { "application/json": { schema: erasureSchema } } },
  },
});

interface ErasureRow extends Record<string, unknown> {
  receipt_id: string | null;
  contacts: number;
  suppressed: number;
  erased_at: string | null;
}

export const eraseSubject = new OpenAPIHono<AppEnv>().openapi(eraseSubjectRoute, async (c) => {
  const subject = c.req.valid("json");
  const { emails, contacts, kind, value } = subjectSql(subject);
  // One statement: what to delete is read once; receipt, suppression and deletion follow from it.
  // A contact id that matches nothing erases nothing and leaves no receipt (404).
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<ErasureRow>(sql`with doomed as (select id, email, source_ref from ${contacts} k),
      proceed as (select ${kind}::text = 'email' or exists (select 1 from doomed) as ok),
      receipt as (
        insert into erasure_receipts (subject_hash, subject_kind, counts)
        select app.subject_hash(app.tenant_id(), ${kind}::text, ${value}::text), ${kind}::text,
               jsonb_build_object('contacts', (select count(*) from doomed))
         where (select ok from proceed)
        returning id, erased_at
      ),
      suppressed as (
        insert into suppressed_subjects (subject_hash, receipt_id)
        select distinct h.hash, (select id from receipt) from (
          select app.subject_hash(app.tenant_id(), 'email', e.email) as hash from ${emails} e
          union select app.subject_hash(app.tenant_id(), 'email', d.email) from doomed d
          union select app.subject_hash(app.tenant_id(), 'ref', d.source_ref) from doomed d
        ) h
        where h.hash is not null and (select ok from proceed)
        on conflict (tenant_id, subject_hash) do nothing
        returning subject_hash
      ),
      gone as (delete from contacts k using doomed d where k.id = d.id returning k.id),
      -- A replayable POST response holds the contact as it was created: it goes too.
      forgotten as (delete from idempotency_keys where response->>'id' in (select id::text from doomed))
      select (select id from receipt) as receipt_id, (select erased_at::text from receipt) as erased_at,
             (select count(*) from gone)::int as contacts, (select count(*) from suppressed)::int as suppressed`),
  ]);
  const [row] = result.rows;
  if (!row?.receipt_id || !row.erased_at) throw new ApiError("not_found", "No contact with that id in this tenant.");
  return c.json(
    {
      receipt_id: row.receipt_id,
      erased: { contacts: row.contacts },
      suppressed: row.suppressed,
      erased_at: isoTimestamp(row.erased_at),
    },
    200,
  );
});
