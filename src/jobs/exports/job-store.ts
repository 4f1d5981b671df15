import { sql } from "drizzle-orm";
import type { ApiDatabaseClient } from "../../db/client";
import type { ExportFormat } from "../../exports/encode";
import { EXPORTABLE_LAWFUL_BASES, EXPORTED_COMPANY_COLUMNS, type ExportPageRow } from "../../exports/records";

export interface ClaimedExport extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  format: ExportFormat;
  include: string[];
  row_count: number;
  attempts: number;
}

export interface WrittenFile {
  objectKey: string;
  rows: number;
  bytes: number;
}

/**
 * A company's contacts that may leave in a file: live, with a lawful basis that allows it, and
 * neither their email nor their Companies House appointment on the tenant's suppression list.
 */
const exportableContacts = sql`(select coalesce(jsonb_agg(jsonb_build_object(
      'name', k.name, 'job_title', k.job_title, 'email', k.email, 'phone', k.phone,
      'lawful_basis', k.lawful_basis, 'source', k.source, 'source_url', k.source_url,
      'collected_at', k.collected_at) order by k.created_at, k.id), '[]'::jsonb)
    from contacts k
   where k.company_id = c.id and k.deleted_at is null
     and k.lawful_basis in (select jsonb_array_elements_text(${JSON.stringify(EXPORTABLE_LAWFUL_BASES)}::jsonb))
     and not exists (select 1 from suppressed_subjects s
                      where s.subject_hash in (app.subject_hash(k.tenant_id, 'email', k.email),
                                               app.subject_hash(k.tenant_id, 'ref', k.source_ref))))`;

/** The technologies the company's latest successful scrape found (as GET .../signals shows). */
const latestTechnologies = sql`(select coalesce(jsonb_agg(jsonb_build_object(
      'slug', s.name, 'name', s.data->>'name', 'category', s.category, 'confidence', s.confidence)
      order by s.name), '[]'::jsonb)
    from company_signals s
   where s.company_id = c.id and s.kind = 'technology'
     and s.job_id = (select j.id from scrape_jobs j where j.company_id = c.id and j.status = 'succeeded'
                      order by j.finished_at desc, j.id desc limit 1))`;

/**
 * The consumer's side of export_jobs, as JobStore is for scrape jobs: every round trip opens with
 * the Worker's signed identity (kind `worker`); claiming names only the job, and every later
 * round trip starts with app.resume_export_job, which checks the lease (extending it: each page
 * is a heartbeat) and moves the transaction into the job's tenant, under row-level security.
 */
export class ExportStore {
  constructor(
    private readonly database: ApiDatabaseClient,
    private readonly requestId: string,
    private readonly leaseSeconds: number,
  ) {}

  /** The job, now running under `leaseId`; null if it is finished or held by a live lease. */
  async claim(exportId: string, leaseId: string): Promise<ClaimedExport | null> {
    const { db } = this.database;
    const [, result] = await db.batch([
      db.execute(await this.begin()),
      db.execute<ClaimedExport>(
        sql`select * from app.claim_export_job(${exportId}::uuid, ${leaseId}::uuid, ${this.leaseSeconds})`,
      ),
    ]);
    return result.rows[0] ?? null;
  }

  /** The next `limit` companies after file position `after` (deleted companies left out). */
  async page(job: ClaimedExport, leaseId: string, after: number, limit: number): Promise<ExportPageRow[]> {
    const { db } = this.database;
    const contacts = job.include.includes("contacts") ? exportableContacts : sql`null::jsonb`;
    const technologies = job.include.includes("signals") ? latestTechnologies : sql`null::jsonb`;
    const [, , rows] = await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(job.id, leaseId)),
      db.execute<ExportPageRow>(sql`select p.position, ${EXPORTED_COMPANY_COLUMNS("c")},
          ${contacts} as contacts, ${technologies} as technologies
        from export_companies p
        join companies c on c.tenant_id = p.tenant_id and c.id = p.company_id and c.deleted_at is null
       where p.export_id = ${job.id} and p.position > ${after}
       order by p.position limit ${limit}`),
    ]);
    return rows.rows;
  }

  /** The file is complete in R2: the job succeeds and its list of companies is let go. */
  async succeed(jobId: string, leaseId: string, file: WrittenFile): Promise<void> {
    const { db } = this.database;
    await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(jobId, leaseId)),
      db.execute(sql`update export_jobs set status = 'succeeded', rows_written = ${file.rows}, bytes = ${file.bytes},
          object_key = ${file.objectKey}, error = null, finished_at = now(), lease_id = null, lease_expires_at = null
        where id = ${jobId}`),
      db.execute(sql`delete from export_companies where export_id = ${jobId}`),
    ]);
  }

  /** A failed attempt: back to the queue with what went wrong; the message comes again after `delaySeconds`. */
  async release(jobId: string, leaseId: string, error: string, delaySeconds: number): Promise<void> {
    const { db } = this.database;
    await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(jobId, leaseId)),
      db.execute(sql`update export_jobs set status = 'queued', error = ${error.slice(0, 1000)},
          lease_id = null, lease_expires_at = null, retry_at = now() + make_interval(secs => ${delaySeconds})
        where id = ${jobId}`),
    ]);
  }

  /** The dead-letter queue's verdict; false if the job had already finished. */
  async failDead(jobId: string, detail: string): Promise<boolean> {
    const { db } = this.database;
    const [, result] = await db.batch([
      db.execute(await this.begin()),
      db.execute<{ failed: boolean }>(sql`select app.fail_dead_export_job(${jobId}::uuid, ${detail}) as failed`),
    ]);
    return result.rows[0]?.failed === true;
  }

  private begin() {
    return this.database.begin({ kind: "worker", request_id: this.requestId });
  }

  private resume(jobId: string, leaseId: string) {
    return sql`select app.resume_export_job(${jobId}::uuid, ${leaseId}::uuid, ${this.requestId}, ${this.leaseSeconds})`;
  }
}
