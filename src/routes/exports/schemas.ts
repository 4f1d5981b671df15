import { z } from "@hono/zod-openapi";
import { getTableColumns } from "drizzle-orm";
import { EXPORT_FORMATS, EXPORT_INCLUDES, EXPORT_STATUSES, exportJobs } from "../../db/schema/exports";
import { omitColumns, type RowOf, selectList } from "../../db/selection";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { companyFilterShape } from "../companies/filters";

/** The most companies one export holds (README "Exports"): more matches take the first ones. */
export const EXPORT_MAX_ROWS = 100_000;

const INT32_MAX = 2_147_483_647;

/**
 * The company list's filters (GET /v1/companies, same names and meanings) as a JSON body, with
 * the file's format and what to add to each company.
 */
export const createExportBodySchema = z
  .object({
    ...companyFilterShape,
    format: z.enum(EXPORT_FORMATS).openapi({ description: "`csv` (RFC 4180, spreadsheet-safe) or `ndjson`" }),
    include: z
      .array(z.enum(EXPORT_INCLUDES))
      .max(EXPORT_INCLUDES.length)
      .optional()
      .transform((value) => [...new Set(value ?? [])].sort())
      .openapi({
        description:
          "`contacts`: each company's contacts whose lawful basis allows it and who are not suppressed; " +
          "`signals`: the technologies its latest successful scrape found",
        example: ["contacts", "signals"],
      }),
  })
  .strict()
  .openapi("CreateExport");

export type CreateExportBody = z.output<typeof createExportBodySchema>;

export const exportSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(EXPORT_STATUSES),
    format: z.enum(EXPORT_FORMATS),
    include: z.array(z.enum(EXPORT_INCLUDES)).max(EXPORT_INCLUDES.length),
    filters: z.record(z.string(), z.unknown()).openapi({ description: "The company-list filters, as requested" }),
    row_count: z.number().int().min(0).max(EXPORT_MAX_ROWS).openapi({
      description: "Companies selected when the export was requested: what `exported_rows` counted",
    }),
    truncated: z.boolean().openapi({ description: `More companies matched than an export holds (${EXPORT_MAX_ROWS})` }),
    rows_written: z.number().int().min(0).max(EXPORT_MAX_ROWS).nullable().openapi({
      description: "Rows in the finished file (companies deleted since the request are left out)",
    }),
    bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
    attempts: z.number().int().min(0).max(INT32_MAX),
    error: z.string().max(1000).nullable().openapi({ description: "Why it failed, or why the last attempt stopped" }),
    created_at: timestampSchema,
    started_at: timestampSchema.nullable(),
    finished_at: timestampSchema.nullable(),
    links: z.object({
      self: z.string().max(100),
      download: z.string().max(2048).nullable().openapi({
        description: "When succeeded: a signed link to the file, valid until `download_expires_at`",
      }),
      download_expires_at: timestampSchema.nullable(),
    }),
  })
  .openapi("Export");

export type ExportBody = z.infer<typeof exportSchema>;

/** An export's API columns (no tenant, requester, lease or object key). */
export const exportColumns = omitColumns(
  getTableColumns(exportJobs),
  "tenantId",
  "requestedBy",
  "leaseId",
  "leaseExpiresAt",
  "retryAt",
  "objectKey",
  "updatedAt",
);
export type ExportRow = RowOf<typeof exportColumns>;
export const EXPORT_COLUMNS = selectList(exportColumns);

export const exportIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

export function exportBody(row: ExportRow, download: { url: string; expiresAt: string } | null = null): ExportBody {
  return {
    id: row.id,
    status: row.status,
    format: row.format,
    include: row.include as ExportBody["include"],
    filters: row.filters,
    row_count: row.row_count,
    truncated: row.truncated,
    rows_written: row.rows_written,
    bytes: row.bytes === null ? null : Number(row.bytes),
    attempts: row.attempts,
    error: row.error,
    created_at: isoTimestamp(row.created_at),
    started_at: isoTimestamp(row.started_at),
    finished_at: isoTimestamp(row.finished_at),
    links: {
      self: `/v1/exports/${row.id}`,
      download: download?.url ?? null,
      download_expires_at: download?.expiresAt ?? null,
    },
  };
}
