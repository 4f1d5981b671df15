import { type SQL, sql } from "drizzle-orm";
import { type CompaniesHouseCompany, companiesHouseClient, MAX_REQUESTS_PER_COMPANY } from "../companies-house/client";
import { importStatements } from "../companies-house/import-statements";
import type { Config } from "../config/config";
import type { Env } from "../config/env";
import { workerDatabaseFor } from "../db/worker-database";
import { ApiError } from "../errors/api-error";
import type { Logger } from "../observability/logger";
import { durableObjectRateLimiter } from "../rate-limit/rate-limiter";
import type { MaintenanceRun } from "./run";

/** The fewest requests a company costs (profile, officers, PSCs, filing history). */
const MIN_REQUESTS_PER_COMPANY = 4;

interface DueCompany extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  company_number: string;
}

/**
 * Tracked companies (imported from Companies House, live, in a live tenant) not asked about for
 * `afterHours`, in the order the run takes them: every tenant's stalest first, then every
 * tenant's second stalest, and so on. Each tenant thus gets an equal share of the run's requests,
 * and a tenant with fewer due companies leaves its share to the others. The maintenance role reads
 * every tenant's companies; each tenant is read through the refresh index, at most `limit` rows.
 */
function dueCompanies(run: MaintenanceRun, afterHours: number, limit: number) {
  return run.execute<DueCompany>(sql`select c.id, c.tenant_id, c.company_number
      from tenants t
      cross join lateral (
        select c.id, c.tenant_id, c.company_number, c.checked_at from companies c
         where c.tenant_id = t.id and c.deleted_at is null and c.source = 'companies_house'
           and c.company_number is not null
           and (c.checked_at is null or c.checked_at < now() - make_interval(hours => ${afterHours}))
         order by c.checked_at nulls first
         limit ${limit}) c
     where t.deleted_at is null and t.purge_started_at is null
     order by row_number() over (partition by c.tenant_id order by c.checked_at nulls first, c.id),
              c.checked_at nulls first, c.id
     limit ${limit}`);
}

export interface RefreshOutcome {
  refreshed: number;
  changes: number;
  /** Companies Companies House no longer knows or sent unreadable data for: checked, left as they were. */
  skipped: number;
  requests: number;
  /** Why the run stopped before the due list ran out (null: it did not). */
  paused: "companies_house_unavailable" | "request_budget" | "time_budget" | null;
}

/**
 * The scheduled refresh of tracked companies: fetched like an import, written through the API's
 * role under the company's tenant (app.begin_companies_house_refresh), with the same statements,
 * so its differences become changes in the same place. When Companies House is unavailable or our
 * quota is used up the run stops where it is: the companies not yet refreshed keep their old
 * `checked_at`, so they are the first the next run takes, and none is lost.
 */
export async function refreshTrackedCompanies(
  env: Env,
  config: Config,
  run: MaintenanceRun,
  requestId: string,
  logger: Logger,
): Promise<RefreshOutcome> {
  const outcome: RefreshOutcome = { refreshed: 0, changes: 0, skipped: 0, requests: 0, paused: null };
  const budget = config.COMPANIES_HOUSE_REFRESH_REQUESTS;
  if (!config.COMPANIES_HOUSE_API_KEY || budget < MAX_REQUESTS_PER_COMPANY) return outcome;
  const baseUrl = config.COMPANIES_HOUSE_API_URL.replace(/\/$/, "");
  const companiesHouse = companiesHouseClient({
    baseUrl,
    apiKey: config.COMPANIES_HOUSE_API_KEY,
    limiter: durableObjectRateLimiter(env.RATE_LIMITER, config.RATE_LIMIT_PLANS),
  });
  const database = workerDatabaseFor(config, requestId);
  const due = await dueCompanies(
    run,
    config.COMPANIES_HOUSE_REFRESH_AFTER_HOURS,
    Math.floor(budget / MIN_REQUESTS_PER_COMPANY),
  );

  /** One transaction in the company's tenant: the Worker's identity, the move into the tenant, then `statements`. */
  const inTenant = async (company: DueCompany, statements: SQL[]) => {
    const { db } = database;
    const begin = await database.begin({ kind: "worker", request_id: requestId });
    const [, , ...results] = await db.batch([
      db.execute(begin),
      db.execute(sql`select app.begin_companies_house_refresh(${company.tenant_id}::uuid, ${requestId})`),
      ...statements.map((statement) => db.execute(statement)),
    ]);
    return results;
  };

  // Per tenant, for the run's receipt (each tenant's admin sees its own figures).
  const figures = new Map<string, { companies_refreshed: number; company_changes: number }>();
  const tally = (tenantId: string, changes: number) => {
    const figure = figures.get(tenantId) ?? { companies_refreshed: 0, company_changes: 0 };
    figure.companies_refreshed++;
    figure.company_changes += changes;
    figures.set(tenantId, figure);
  };

  for (const company of due) {
    if (!run.hasTime()) {
      outcome.paused = "time_budget";
      break;
    }
    if (outcome.requests + MAX_REQUESTS_PER_COMPANY > budget) {
      outcome.paused = "request_budget";
      break;
    }
    let fetched: CompaniesHouseCompany;
    try {
      fetched = await companiesHouse.company(company.company_number);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === "unavailable") {
        // An outage or a spent quota: nothing of this company was written; stop here.
        outcome.paused = "companies_house_unavailable";
        logger.warn("companies house refresh paused", { reason: error.detail, ...outcome });
        break;
      }
      // Unknown number (one request) or unreadable data (up to all of them): asked about, so it
      // goes to the back of its tenant's queue, data untouched.
      outcome.requests += error.code === "not_found" ? 1 : MAX_REQUESTS_PER_COMPANY;
      await inTenant(company, [sql`update companies set checked_at = now() where id = ${company.id}`]);
      outcome.skipped++;
      logger.warn("companies house refresh skipped a company", { company_id: company.id, code: error.code });
      continue;
    }
    outcome.requests += fetched.requests;
    const statements = importStatements(fetched, baseUrl, { restore: false });
    const [changes] = await inTenant(company, [
      statements.changes,
      statements.company,
      statements.officers,
      statements.pscs,
    ]);
    outcome.refreshed++;
    outcome.changes += changes?.rows.length ?? 0;
    tally(company.tenant_id, changes?.rows.length ?? 0);
  }
  await recordFigures(run, figures);
  if (outcome.paused === null && due.length >= Math.floor(budget / MIN_REQUESTS_PER_COMPANY)) {
    outcome.paused = "request_budget";
  }
  logger.info("companies house refresh", { due: due.length, ...outcome });
  return outcome;
}

/**
 * The run's figures per tenant, in one statement at the end: the refresh writes through the API's
 * role, which cannot write receipts, so (unlike a purge) its figures are not in the same
 * transaction as its writes, and a run cut by an outage leaves its refreshed companies without them.
 */
async function recordFigures(run: MaintenanceRun, figures: Map<string, Record<string, number>>) {
  const rows = [...figures].flatMap(([tenantId, counts]) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([dataClass, n]) => ({ tenant_id: tenantId, data_class: dataClass, rows: n })),
  );
  if (rows.length === 0) return;
  await run.execute(sql`insert into maintenance_run_counts (run_id, tenant_id, data_class, rows)
    select ${run.id}, (f->>'tenant_id')::uuid, f->>'data_class', (f->>'rows')::bigint
      from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) f
    on conflict (run_id, tenant_id, data_class) do update set rows = maintenance_run_counts.rows + excluded.rows`);
}
