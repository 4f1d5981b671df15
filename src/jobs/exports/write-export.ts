import { contentTypeOf, encodeLines, fileHeader } from "../../exports/encode";
import { ObjectWriter } from "../../exports/file-writer";
import type { ExportPageRow } from "../../exports/records";
import { exportColumnsOf, exportRecord } from "../../exports/records";
import type { ClaimedExport, WrittenFile } from "./job-store";

/** Companies per round trip: well under Neon's 10 MiB response limit with contacts included. */
export const PAGE_ROWS = 500;

/** Where an export's file lives in EXPORTS_BUCKET. */
export const objectKeyOf = (job: Pick<ClaimedExport, "id" | "tenant_id" | "format">) =>
  `exports/${job.tenant_id}/${job.id}.${job.format}`;

/**
 * Writes the job's companies to its object page by page (one round trip per page, each a lease
 * heartbeat); only a completed upload becomes the object. Any failure aborts the upload.
 */
export async function writeExport(
  job: ClaimedExport,
  bucket: R2Bucket,
  page: (after: number, limit: number) => Promise<ExportPageRow[]>,
): Promise<WrittenFile> {
  const objectKey = objectKeyOf(job);
  const columns = exportColumnsOf(job.include);
  const writer = new ObjectWriter(bucket, objectKey, {
    contentType: contentTypeOf(job.format),
    contentDisposition: `attachment; filename="detecktiv-export-${job.id}.${job.format}"`,
  });
  let rows = 0;
  try {
    await writer.write(fileHeader(job.format, columns));
    let after = 0;
    for (;;) {
      const batch = await page(after, PAGE_ROWS);
      const last = batch.at(-1);
      if (!last) break;
      await writer.write(
        encodeLines(
          job.format,
          columns,
          batch.map((row) => exportRecord(row, job.format)),
        ),
      );
      rows += batch.length;
      after = last.position;
      if (batch.length < PAGE_ROWS) break;
    }
    return { objectKey, rows, bytes: await writer.finish() };
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
}
