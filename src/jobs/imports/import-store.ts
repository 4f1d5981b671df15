import { type SQL, sql } from "drizzle-orm";
import type { CompaniesHouseCompany } from "../../companies-house/client";
import { importStatements } from "../../companies-house/import-statements";
import type { ApiDatabaseClient } from "../../db/client";
import { findPostgresError } from "../../db/errors";
import { meter } from "../../db/metering";

/** SQLSTATE of app.resume_import when this consumer no longer holds the import. */
export const LEASE_LOST = "DT409";

/** A row still to do, as the consumer reads it. */
export interface PendingRow extends Record<string, unknown> {
  row_number: number;
  kind: "company_number" | "website";
  value: string;
  domain: string | null;
  website: string | null;
}

/** Rows a statement settled (this one and, for a repeated value, its later duplicates). */
interface Settled extends Record<string, unknown> {
  rows: number[];
}

/**
 * The update of the import's counters by a CTE named `settled` (updated import_rows returning
 * their new status), for the same statement: the import completes, and lets go of its lease,
 * when nothing is pending any more.
 */
function countedUpdate(importId: string): SQL {
  const complete = sql`i.created + i.existing + i.failed + s.n >= i.total`;
  return sql`update imports i set created = i.created + s.created, existing = i.existing + s.existing,
      failed = i.failed + s.failed,
      status = case when ${complete} then 'completed' else i.status end,
      finished_at = case when ${complete} then now() else i.finished_at end,
      lease_id = case when ${complete} then null else i.lease_id end,
      lease_expires_at = case when ${complete} then null else i.lease_expires_at end
    from (select count(*) filter (where status = 'created')::int as created,
                 count(*) filter (where status = 'existing')::int as existing,
                 count(*) filter (where status = 'failed')::int as failed, count(*)::int as n
            from settled) s
   where i.id = ${importId} and s.n > 0`;
}

/** `settled` and the counters in one statement, returning the settled rows' numbers. */
const counted = (importId: string, settled: SQL) => sql`with settled as (${settled}),
    counted as (${countedUpdate(importId)})
    select coalesce(array_agg(row_number order by row_number), '{}') as rows from settled`;

/** The company of a row found in the book: by number, or by domain (a live one first). */
const BOOK_MATCH = sql`case when ch.kind = 'company_number'
    then (select c.id from companies c where c.company_number = ch.value)
    else (select c.id from companies c where c.domain = ch.domain order by c.deleted_at nulls first, c.created_at, c.id
           limit 1) end`;

/**
 * The consumer's side of imports. Every round trip opens with the Worker's signed identity; the
 * claim moves the transaction into the import's tenant, and every later write starts with
 * app.resume_import, which checks the lease: a consumer that lost its import writes nothing, and
 * each row is settled in the transaction that does its work, so a row is never done twice.
 */
export class ImportStore {
  constructor(
    private readonly database: ApiDatabaseClient,
    private readonly requestId: string,
  ) {}

  /**
   * The import, now held under `leaseId`, and its next `limit` pending rows; those whose company
   * is already in the book are settled as existing on the way (and not returned). Null when the
   * import is finished, paused or held by a live lease. `more`: the chunk was full.
   */
  async claim(importId: string, leaseId: string, leaseSeconds: number, limit: number) {
    const { db } = this.database;
    const [, claimed, chunk] = await db.batch([
      db.execute(await this.begin()),
      db.execute<{ id: string }>(
        sql`select id from app.claim_import(${importId}::uuid, ${leaseId}::uuid, ${leaseSeconds}, ${this.requestId})`,
      ),
      db.execute<PendingRow & { company_id: string | null }>(sql`with chunk as (
          select row_number, kind, value, domain, website from import_rows
           where import_id = ${importId} and status = 'pending' order by row_number limit ${limit}
        ), matched as (select ch.*, ${BOOK_MATCH} as company_id from chunk ch),
        settled as (
          update import_rows r set status = 'existing', company_id = m.company_id, processed_at = now()
            from matched m
           where r.import_id = ${importId} and r.row_number = m.row_number and m.company_id is not null
          returning r.status
        ), counted as (${countedUpdate(importId)})
        select row_number, kind, value, domain, website, company_id from matched order by row_number`),
    ]);
    if (claimed.rows.length === 0) return null;
    return {
      rows: chunk.rows.filter((row) => row.company_id === null) as PendingRow[],
      more: chunk.rows.length >= limit,
    };
  }

  /**
   * A company fetched from Companies House: counted (companies_house_imports), written as
   * POST /v1/companies/import writes it, and its row settled (created, or existing if the company
   * appeared meanwhile), with later rows of the same number, in one transaction. Over the quota
   * the batch raises DT402 and writes nothing.
   */
  async importCompany(
    importId: string,
    leaseId: string,
    row: PendingRow,
    fetched: CompaniesHouseCompany,
    baseUrl: string,
  ) {
    const { db } = this.database;
    const statements = importStatements(fetched, baseUrl);
    const number = row.value;
    const website = row.website
      ? [
          sql`update companies set website = ${row.website}, domain = ${row.domain}
               where company_number = ${number} and website is null`,
        ]
      : [];
    const results = await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(importId, leaseId)),
      db.execute(meter("companies_house_imports", 1)),
      db.execute(statements.changes),
      db.execute(statements.company),
      db.execute(statements.officers),
      db.execute(statements.pscs),
      ...website.map((statement) => db.execute(statement)),
      db.execute<Settled>(
        counted(
          importId,
          sql`update import_rows r
             set status = case when r.row_number = ${row.row_number} and c.created_at = now() then 'created'
                               else 'existing' end,
                 company_id = c.id, processed_at = now()
            from companies c
           where c.company_number = ${number} and r.import_id = ${importId} and r.status = 'pending'
             and r.kind = 'company_number' and r.value = ${number}
          returning r.status, r.row_number`,
        ),
      ),
    ]);
    return (results.at(-1) as { rows: Settled[] }).rows[0]?.rows ?? [];
  }

  /**
   * A website: its company found by domain, or created (named after the domain) with a scrape
   * job that counts one scrape_jobs (over the quota: DT402, nothing written), and its row settled
   * with later rows of the same domain. Returns the new job's id, to be queued.
   */
  async importWebsite(importId: string, leaseId: string, row: PendingRow) {
    const { db } = this.database;
    const [, , , result] = await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(importId, leaseId)),
      // Companies have no unique domain (people may keep two records of one site), so two imports
      // of one new domain at once take turns here: the second then finds the first's company.
      db.execute(
        sql`select pg_advisory_xact_lock(hashtextextended('import-domain ' || app.tenant_id() || ' ' || ${row.domain}, 0))`,
      ),
      db.execute<Settled & { job_id: string | null }>(sql`with found as (
          select id from companies where domain = ${row.domain}
           order by deleted_at nulls first, created_at, id limit 1
        ), created as (
          insert into companies (name, website, domain, source)
          select ${row.domain}, ${row.value}, ${row.domain}, 'import' where not exists (select 1 from found)
          returning id
        ), job as (
          insert into scrape_jobs (company_id, url, requested_by)
          select id, ${row.value}, null from created where app.meter('scrape_jobs', 1) > 0
          returning id
        ), settled as (
          update import_rows r
             set status = case when r.row_number = ${row.row_number} and exists (select 1 from created) then 'created'
                               else 'existing' end,
                 company_id = coalesce((select id from created), (select id from found)),
                 scrape_job_id = case when r.row_number = ${row.row_number} then (select id from job) end,
                 processed_at = now()
           where r.import_id = ${importId} and r.status = 'pending' and r.kind = 'website' and r.domain = ${row.domain}
          returning r.status, r.row_number
        ), counted as (${countedUpdate(importId)})
        select coalesce((select array_agg(row_number order by row_number) from settled), '{}') as rows,
               (select id from job) as job_id`),
    ]);
    const [settled] = result.rows;
    return { rows: settled?.rows ?? [], jobId: settled?.job_id ?? null };
  }

  /** A row that cannot be imported: failed with its problem type and detail. */
  async failRow(importId: string, leaseId: string, rowNumber: number, type: string, detail: string) {
    await this.fail(importId, leaseId, sql`row_number = ${rowNumber}`, type, detail);
  }

  /** The quota of `kind`'s metric is used up: every pending row of that kind fails with quota_exceeded. */
  async failRemaining(importId: string, leaseId: string, kind: PendingRow["kind"], detail: string) {
    await this.fail(importId, leaseId, sql`kind = ${kind}`, "quota_exceeded", detail);
  }

  /**
   * Hands the import back: `queued` for the next message to carry on, or `paused` until
   * `resumeInSeconds` (Companies House down or the shared budget spent). Its rows stay pending.
   * False if the lease was lost or the import completed meanwhile.
   */
  async release(importId: string, leaseId: string, pause: { resumeInSeconds: number } | null) {
    const { db } = this.database;
    try {
      await db.batch([
        db.execute(await this.begin()),
        db.execute(this.resume(importId, leaseId)),
        db.execute(sql`update imports set status = ${pause ? "paused" : "queued"},
            paused_reason = ${pause ? "companies_house_unavailable" : null},
            resume_at = ${pause ? sql`now() + make_interval(secs => ${pause.resumeInSeconds})` : sql`null`},
            lease_id = null, lease_expires_at = null
          where id = ${importId}`),
      ]);
      return true;
    } catch (error) {
      if (findPostgresError(error)?.code === LEASE_LOST) return false;
      throw error;
    }
  }

  private async fail(importId: string, leaseId: string, which: SQL, type: string, detail: string) {
    const { db } = this.database;
    await db.batch([
      db.execute(await this.begin()),
      db.execute(this.resume(importId, leaseId)),
      db.execute(
        counted(
          importId,
          sql`update import_rows set status = 'failed', problem_type = ${type}, detail = ${detail.slice(0, 1000)},
              processed_at = now()
            where import_id = ${importId} and status = 'pending' and ${which}
          returning status, row_number`,
        ),
      ),
    ]);
  }

  private begin() {
    return this.database.begin({ kind: "worker", request_id: this.requestId });
  }

  private resume(importId: string, leaseId: string) {
    return sql`select app.resume_import(${importId}::uuid, ${leaseId}::uuid, ${this.requestId})`;
  }
}
