import { sql } from "drizzle-orm";
import type { ApiDatabaseClient } from "../../db/client";
import type { FailureReason } from "../../scrape/scrape-error";
import type { SiteScrape } from "../../scrape/scrape-site";
import { ownDeliveries } from "../../webhooks/outbox";

export interface ClaimedJob extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  company_id: string;
  url: string;
  attempts: number;
}

/**
 * The consumer's side of scrape_jobs. Every round trip opens with the Worker's signed identity
 * (kind `worker`): without it the job functions refuse, whoever runs them. Claiming names only
 * the job (the message knows no tenant); every later write starts with app.resume_scrape_job,
 * which checks the lease and moves the transaction into the job's tenant, so those writes run
 * under row-level security.
 */
export class JobStore {
  constructor(
    private readonly database: ApiDatabaseClient,
    private readonly requestId: string,
  ) {}

  /** The job, now running under `leaseId`; null if it is finished or held by a live lease. */
  async claim(jobId: string, leaseId: string, leaseSeconds: number): Promise<ClaimedJob | null> {
    const { db } = this.database;
    const [, result] = await db.batch([
      db.execute(await this.begin()),
      db.execute<ClaimedJob>(
        sql`select * from app.claim_scrape_job(${jobId}::uuid, ${leaseId}::uuid, ${leaseSeconds})`,
      ),
    ]);
    return result.rows[0] ?? null;
  }

  /**
   * Pages, technologies, web profile and the job's success: one transaction. Returns the webhook
   * deliveries its `scrape_job.succeeded` event made, to be queued.
   */
  async succeed(job: ClaimedJob, leaseId: string, scrape: SiteScrape): Promise<string[]> {
    const { db } = this.database;
    const fetched = scrape.pages.filter((page) => page.outcome === "fetched").length;
    const homeUrl = scrape.pages.find((page) => page.outcome === "fetched")?.url ?? job.url;
    const [, , , , , , deliveries] = await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(job.id, leaseId)),
      db.execute(this.insertPages(job.id, scrape.pages)),
      db.execute(sql`insert into company_signals (company_id, job_id, kind, name, category, confidence, data, source_url, fetched_at)
        select ${job.company_id}, ${job.id}, 'technology', t->>'slug', t->>'category', (t->>'confidence')::smallint,
               jsonb_build_object('name', t->'name', 'evidence', t->'evidence'), t->>'url', now()
          from jsonb_array_elements(${JSON.stringify(scrape.technologies)}::jsonb) t`),
      db.execute(sql`insert into company_signals (company_id, job_id, kind, name, data, source_url, fetched_at)
        values (${job.company_id}, ${job.id}, 'web_profile', 'web_profile', ${JSON.stringify(scrape.profile)}::jsonb,
                ${homeUrl}, now())`),
      db.execute(sql`update scrape_jobs set status = 'succeeded', pages_fetched = ${fetched}, finished_at = now(),
          lease_id = null, lease_expires_at = null
        where id = ${job.id}`),
      db.execute<{ id: string }>(ownDeliveries),
    ]);
    return deliveries.rows.map((row) => row.id);
  }

  /** A permanent failure: the job ends with its reason (and its event's deliveries, as succeed). */
  async fail(jobId: string, leaseId: string, reason: FailureReason, detail: string): Promise<string[]> {
    const { db } = this.database;
    const [, , , deliveries] = await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(jobId, leaseId)),
      db.execute(sql`update scrape_jobs set status = 'failed', failure_reason = ${reason},
          failure_detail = ${detail.slice(0, 1000)}, finished_at = now(), lease_id = null, lease_expires_at = null
        where id = ${jobId}`),
      db.execute<{ id: string }>(ownDeliveries),
    ]);
    return deliveries.rows.map((row) => row.id);
  }

  /**
   * A transient failure: back to the queue, where the message comes again after `delaySeconds`
   * (recorded, so the maintenance cron does not take the wait for a lost message).
   */
  async release(
    jobId: string,
    leaseId: string,
    reason: FailureReason | "internal_error",
    detail: string,
    delaySeconds: number,
  ): Promise<void> {
    const { db } = this.database;
    await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(jobId, leaseId)),
      db.execute(sql`update scrape_jobs set status = 'queued', failure_reason = ${reason},
          failure_detail = ${detail.slice(0, 1000)}, lease_id = null, lease_expires_at = null,
          retry_at = now() + make_interval(secs => ${delaySeconds})
        where id = ${jobId}`),
    ]);
  }

  /**
   * Our side failed (the database), not the site: back to the queue with the claim's attempt
   * given back and no failure recorded; the message comes again after `delaySeconds`.
   */
  async setBack(jobId: string, leaseId: string, delaySeconds: number): Promise<void> {
    const { db } = this.database;
    await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(jobId, leaseId)),
      db.execute(sql`update scrape_jobs set status = 'queued', attempts = greatest(attempts - 1, 0),
          lease_id = null, lease_expires_at = null, retry_at = now() + make_interval(secs => ${delaySeconds})
        where id = ${jobId}`),
    ]);
  }

  /** The dead-letter queue's verdict; false if the job had already finished. */
  async failDead(jobId: string, detail: string): Promise<boolean> {
    const { db } = this.database;
    const [, result] = await db.batch([
      db.execute(await this.begin()),
      db.execute<{ failed: boolean }>(sql`select app.fail_dead_scrape_job(${jobId}::uuid, ${detail}) as failed`),
    ]);
    return result.rows[0]?.failed === true;
  }

  private begin() {
    return this.database.begin({ kind: "worker", request_id: this.requestId });
  }

  private resume(jobId: string, leaseId: string) {
    return sql`select app.resume_scrape_job(${jobId}::uuid, ${leaseId}::uuid, ${this.requestId})`;
  }

  private insertPages(jobId: string, pages: SiteScrape["pages"]) {
    return sql`insert into scrape_pages (job_id, url, outcome, http_status, content_type, bytes, detail, fetched_at)
      select ${jobId}, p->>'url', p->>'outcome', (p->>'httpStatus')::integer, p->>'contentType',
             (p->>'bytes')::integer, p->>'detail', (p->>'fetchedAt')::timestamptz
        from jsonb_array_elements(${JSON.stringify(pages)}::jsonb) p`;
  }
}
