import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Env } from "../../src/config/env";
import worker from "../../src/index";
import type { ExportMessage } from "../../src/jobs/exports/message";
import { type ExportBody, exportSchema } from "../../src/routes/exports/schemas";
import type { signedIn } from "./factories";
import { call, callWithEnv, sendAs, sqlAs } from "./harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

export const EXPORT_QUEUE = "detecktiv-exports";
export const EXPORT_DLQ = "detecktiv-exports-dlq";

/** An export queue that keeps its messages: the test decides when (and how often) the consumer sees them. */
const heldQueue = { send: async () => {}, sendBatch: async () => {} } as unknown as Env["EXPORT_QUEUE"];

/**
 * POST /v1/exports as `member`; the 202 body, parsed with the route's own schema. Its message is
 * held back unless `viaQueue`: deliverExports() then plays the queue.
 */
export async function requestExport(
  member: Member,
  body: Record<string, unknown>,
  { viaQueue = false } = {},
): Promise<ExportBody> {
  const init = {
    method: "POST",
    headers: { ...member.headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = viaQueue
    ? await sendAs(member, "POST", "/v1/exports", body)
    : await callWithEnv({ EXPORT_QUEUE: heldQueue }, "/v1/exports", init);
  expect(response.status, await response.clone().text()).toBe(202);
  return exportSchema.parse(await response.json());
}

export async function exportOf(member: Member, id: string): Promise<ExportBody> {
  const response = await sendAs(member, "GET", `/v1/exports/${id}`);
  expect(response.status).toBe(200);
  return exportSchema.parse(await response.json());
}

/** Delivers one batch of export messages to the Worker's queue handler; acks and retries. */
export async function deliverExports(
  exportIds: string[],
  options: { queue?: string; attempts?: number; env?: Partial<Env> } = {},
) {
  const batch = createMessageBatch<ExportMessage>(
    options.queue ?? EXPORT_QUEUE,
    exportIds.map((exportId, i) => ({
      id: `export-${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: options.attempts ?? 1,
      body: { exportId },
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env ? { ...env, ...options.env } : env, ctx);
  return getQueueResult(batch, ctx);
}

/** Requests, runs and downloads an export: the finished job and the file's response. */
export async function exportFile(member: Member, body: Record<string, unknown>) {
  const queued = await requestExport(member, body);
  const result = await deliverExports([queued.id]);
  expect(result.explicitAcks).toHaveLength(1);
  const done = await exportOf(member, queued.id);
  expect(done.status).toBe("succeeded");
  const response = await download(done);
  expect(response.status).toBe(200);
  return { queued, done, response, text: await response.text() };
}

/** Fetches a job's download link, without credentials. */
export function download(job: ExportBody): Promise<Response> {
  const link = job.links.download;
  if (!link) throw new Error(`export ${job.id} has no download link`);
  const url = new URL(link);
  return call(`${url.pathname}${url.search}`);
}

/** The tenant's exported_rows used this month. */
export async function exportedRows(tenantId: string): Promise<number> {
  const rows = (await sqlAs("owner").query(
    "SELECT used FROM usage WHERE tenant_id = $1 AND metric = 'exported_rows' AND period = 'month'",
    [tenantId],
  )) as { used: number | string }[];
  return Number(rows[0]?.used ?? 0);
}

/** The export once it has finished, polling while the real queue's consumer works. */
export async function settledExport(member: Member, id: string): Promise<ExportBody> {
  for (let i = 0; i < 100; i++) {
    const job = await exportOf(member, id);
    if (job.status === "succeeded" || job.status === "failed") return job;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return exportOf(member, id);
}
