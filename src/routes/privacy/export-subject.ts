import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { JSONValue } from "hono/utils/types";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { decodeCursor } from "../../http/pagination";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { AUDIT_PAGE_BYTES, auditPage, auditPageSql, MAX_AUDIT_PAGE } from "./export-audit-page";
import { subjectSchema } from "./schemas";
import { subjectSql } from "./subject";

type Row = Record<string, JSONValue>;
/** Each list of an export holds at most this many entries, oldest first (bounds the answer). */
const EXPORT_LIMIT = 10_000;

const exportSchema = z
  .object({
    subject: z.object({ kind: z.enum(["email", "contact"]), value: z.string().max(320) }),
    generated_at: timestampSchema,
    contacts: z.array(z.record(z.string(), z.unknown())).max(EXPORT_LIMIT).openapi({
      description: "Every contact record of the person, deleted ones included, with its company and provenance",
    }),
    user: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "The person's user account and membership, when they are a member of the tenant" }),
    audit_log: z.array(z.record(z.string(), z.unknown())).max(MAX_AUDIT_PAGE).openapi({
      description:
        "Audit entries about their contact records and, for a member, their own actions: one page, oldest first",
    }),
    audit_log_next_cursor: z.string().max(200).nullable().openapi({
      description: "Null when `audit_log` holds the last entries; otherwise ask again with `?audit_cursor=` this value",
    }),
    erasures: z
      .array(z.record(z.string(), z.unknown()))
      .max(EXPORT_LIMIT)
      .openapi({ description: "Earlier erasure receipts" }),
  })
  .openapi("DataSubjectExport");

const exportQuerySchema = z.object({
  audit_limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_AUDIT_PAGE)
    .default(MAX_AUDIT_PAGE)
    .openapi({ param: { name: "audit_limit", in: "query" }, description: "Audit entries per page" }),
  audit_cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({
      param: { name: "audit_cursor", in: "query" },
      description: "`audit_log_next_cursor` of the previous page",
    }),
});

export const exportSubjectRoute = createRoute({
  method: "post",
  path: "/v1/privacy/export",
  operationId: "exportDataSubject",
  tags: ["Privacy"],
  summary: "Export everything held about a person (GDPR Art. 15)",
  description:
    "One JSON document. The audit entries come in pages, oldest first (at most `audit_limit` entries and about " +
    `${AUDIT_PAGE_BYTES / 1024 / 1024} MiB of their metadata): while \`audit_log_next_cursor\` is not null, ` +
    "POST the same body with `?audit_cursor=<it>` for the next page (each page repeats the rest of the document). " +
    "Each call is recorded in the audit log (without the person's identifier).",
  ...v1Access({ role: "admin", scope: "privacy:read" }),
  request: {
    query: exportQuerySchema,
    body: { required: true, content: { "application/json": { schema: subjectSchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The export", content: { "application/json": { schema: exportSchema } } },
  },
});

export const exportSubject = new OpenAPIHono<AppEnv>().openapi(exportSubjectRoute, async (c) => {
  const subject = c.req.valid("json");
  const { audit_limit: auditLimit, audit_cursor: auditCursor } = c.req.valid("query");
  const after = decodeCursor(auditCursor, 2, "query.audit_cursor");
  const { emails, contacts, kind, value } = subjectSql(subject);
  const member = sql`(select u.id from users u join memberships m on m.user_id = u.id
      where lower(u.email) in (select email from ${emails} e where e.email is not null))`;
  const {
    results: [people, user, audit, erasures],
  } = await c.var.scoped.batch((db) => [
    db.execute<Row>(sql`select k.id, k.company_id, c.name as company_name, k.name, k.job_title, k.email, k.phone,
        jsonb_build_object('source', k.source, 'source_url', k.source_url, 'source_ref', k.source_ref,
          'collected_at', k.collected_at, 'lawful_basis', k.lawful_basis) as provenance,
        k.created_at, k.updated_at, k.deleted_at
      from ${contacts} k join companies c on c.id = k.company_id order by k.created_at, k.id limit ${EXPORT_LIMIT}`),
    db.execute<Row>(sql`select u.id, u.email, u.name, u.created_at, m.role, m.created_at as member_since
      from users u join memberships m on m.user_id = u.id where u.id in ${member}`),
    db.execute<Row>(
      auditPageSql(
        sql`(a.target_type = 'contact' and a.target_id in (select id::text from ${contacts} k)) or a.actor_id in ${member}`,
        after,
        auditLimit,
      ),
    ),
    db.execute<Row>(sql`select id, subject_kind, counts, erased_at from erasure_receipts
      where subject_hash in (select app.subject_hash(app.tenant_id(), 'email', email) from ${emails} e)
         or subject_hash = app.subject_hash(app.tenant_id(), ${kind}::text, ${value}::text)
      order by erased_at, id limit ${EXPORT_LIMIT}`),
    // A privileged read: recorded, naming the person only by the hash the erasure would use.
    db.execute(sql`insert into audit_log (action, target_type, metadata)
      values ('privacy.exported', 'data_subject',
        jsonb_build_object('subject_kind', ${kind}::text, 'subject_hash', app.subject_hash(app.tenant_id(), ${kind}::text, ${value}::text)))`),
  ]);
  if (kind === "contact" && people.rows.length === 0) {
    throw new ApiError("not_found", "No contact with that id in this tenant.");
  }
  const auditEntries = auditPage(audit.rows);
  return c.json(
    {
      subject: { kind, value },
      generated_at: isoTimestamp(new Date().toISOString()),
      contacts: people.rows,
      user: user.rows[0] ?? null,
      audit_log: auditEntries.items,
      audit_log_next_cursor: auditEntries.next_cursor,
      erasures: erasures.rows,
    },
    200,
  );
});
