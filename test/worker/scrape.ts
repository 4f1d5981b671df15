import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import type { Env } from "../../src/config/env";
import worker from "../../src/index";
import type { ScrapeMessage } from "../../src/jobs/scrape/message";
import type { signedIn } from "./factories";
import { sendAs, sqlAs } from "./harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

export const SCRAPE_QUEUE = "detecktiv-scrape";
export const SCRAPE_DLQ = "detecktiv-scrape-dlq";

/** Origin of a fake website started by the global setup. */
export function siteOrigin(site: string): string {
  const origin = inject("fakeSites")[site];
  if (!origin) throw new Error(`no fake site ${site}`);
  return origin;
}

/** Requests a fake site has received so far (robots.txt included). */
export async function hitsOf(site: string): Promise<{ path: string; at: number; userAgent: string }[]> {
  return (await fetch(`${siteOrigin(site)}/__hits`)).json();
}

/** A company of the member's tenant whose website is a fake site. */
export async function siteCompany(member: Member, site: string): Promise<{ id: string }> {
  const response = await sendAs(member, "POST", "/v1/companies", { name: `Site ${site}`, website: siteOrigin(site) });
  if (response.status !== 201) throw new Error(`company: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * A queued job written straight to the database, so no queue message exists: the test decides
 * when (and how often) the consumer sees it.
 */
export async function queuedJob(member: Member, site: string): Promise<{ jobId: string; companyId: string }> {
  const company = await siteCompany(member, site);
  const [job] = (await sqlAs("owner").query(
    "INSERT INTO scrape_jobs (tenant_id, company_id, url) VALUES ($1, $2, $3) RETURNING id",
    [member.tenant.id, company.id, siteOrigin(site)],
  )) as { id: string }[];
  if (!job) throw new Error("no job");
  return { jobId: job.id, companyId: company.id };
}

/** Delivers one batch to the Worker's queue handler (env overrides optional) and reports acks and retries. */
export async function deliver(
  jobIds: string[],
  options: { queue?: string; attempts?: number; env?: Partial<Env> } = {},
) {
  const batch = createMessageBatch<ScrapeMessage>(
    options.queue ?? SCRAPE_QUEUE,
    jobIds.map((jobId, i) => ({
      id: `msg-${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: options.attempts ?? 1,
      body: { jobId },
    })),
  );
  // getQueueResult() does not report retry delays: record them on the way.
  const delays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options?: QueueRetryOptions) => {
      delays.push(options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env ? { ...env, ...options.env } : env, ctx);
  return { ...(await getQueueResult(batch, ctx)), retryDelays: delays };
}

export interface JobState {
  status: string;
  attempts: number;
  pages_fetched: number;
  failure_reason: string | null;
  failure_detail: string | null;
  lease_id: string | null;
}

export async function jobState(jobId: string): Promise<JobState> {
  const [row] = (await sqlAs("owner").query(
    "SELECT status, attempts, pages_fetched, failure_reason, failure_detail, lease_id FROM scrape_jobs WHERE id = $1",
    [jobId],
  )) as JobState[];
  if (!row) throw new Error(`no job ${jobId}`);
  return row;
}
