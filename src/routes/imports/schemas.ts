import { z } from "@hono/zod-openapi";
import { getTableColumns } from "drizzle-orm";
import { IMPORT_PAUSE_REASONS, IMPORT_STATUSES, importRows, imports } from "../../db/schema/imports";
import { omitColumns, type RowOf, selectList } from "../../db/selection";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { MAX_IMPORT_ROWS } from "../../imports/rows";

const count = z.number().int().min(0).max(MAX_IMPORT_ROWS);

export const importRowErrorSchema = z
  .object({
    row: z
      .number()
      .int()
      .min(1)
      .max(MAX_IMPORT_ROWS)
      .openapi({ description: "Data row, from 1 (after a CSV's header)" }),
    input: z.string().max(300).openapi({ description: "What the row said (a CSV row's fields, comma-joined)" }),
    type: z.string().max(200).openapi({
      description:
        "The problem type, as an API error's: validation_failed, not_found, bad_gateway, quota_exceeded, internal",
    }),
    detail: z.string().max(1000),
  })
  .openapi("ImportRowError");

export const importSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(IMPORT_STATUSES).openapi({
      description:
        "queued or running: being worked through; paused: waiting for Companies House (see resume_at); completed: every row is done or failed",
    }),
    total: count,
    done: count.openapi({ description: "Rows imported: created plus existing" }),
    created: count.openapi({ description: "Companies this import added to the book" }),
    existing: count.openapi({ description: "Rows whose company was already in the book (or repeated an earlier row)" }),
    failed: count.openapi({ description: "Rows with an error (see errors)" }),
    pending: count,
    paused_reason: z.enum(IMPORT_PAUSE_REASONS).nullable(),
    resume_at: timestampSchema.nullable().openapi({ description: "When a paused import carries on" }),
    created_at: timestampSchema,
    updated_at: timestampSchema,
    finished_at: timestampSchema.nullable(),
  })
  .openapi("Import");

export const importWithErrorsSchema = importSchema
  .extend({
    errors: z
      .array(importRowErrorSchema)
      .max(1000)
      .openapi({ description: "Failed rows by row number, a page at a time" }),
    errors_next_cursor: z
      .string()
      .max(2048)
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page of errors" }),
  })
  .openapi("ImportWithErrors");

export type ImportBody = z.infer<typeof importSchema>;

export const importColumns = omitColumns(
  getTableColumns(imports),
  "tenantId",
  "requestedBy",
  "leaseId",
  "leaseExpiresAt",
);
export type ImportRow = RowOf<typeof importColumns>;
export const IMPORT_COLUMNS = selectList(importColumns);

const errorColumns = (({ rowNumber, input, problemType, detail }) => ({ rowNumber, input, problemType, detail }))(
  getTableColumns(importRows),
);
export type ImportErrorRow = RowOf<typeof errorColumns>;
export const IMPORT_ERROR_COLUMNS = selectList(errorColumns);

export function importBody(row: ImportRow): ImportBody {
  const done = row.created + row.existing;
  return {
    id: row.id,
    status: row.status,
    total: row.total,
    done,
    created: row.created,
    existing: row.existing,
    failed: row.failed,
    pending: row.total - done - row.failed,
    paused_reason: row.paused_reason,
    resume_at: isoTimestamp(row.resume_at),
    created_at: isoTimestamp(row.created_at),
    updated_at: isoTimestamp(row.updated_at),
    finished_at: isoTimestamp(row.finished_at),
  };
}

export const importErrorBody = (row: ImportErrorRow) => ({
  row: row.row_number,
  input: row.input,
  type: row.problem_type ?? "internal",
  detail: row.detail ?? "",
});

export const importIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
