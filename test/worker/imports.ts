import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Env } from "../../src/config/env";
import type { ImportMessage } from "../../src/imports/message";
import worker from "../../src/index";
import { importWithErrorsSchema } from "../../src/routes/imports/schemas";
import type { signedIn } from "./factories";
import { call, sendAs, sqlAs } from "./harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

export const IMPORT_QUEUE = "detecktiv-imports";

/** POST /v1/imports with a CSV body. */
export function postCsv(member: Member, csv: string, headers: Record<string, string> = {}) {
  return call("/v1/imports", {
    method: "POST",
    headers: { ...member.headers, "content-type": "text/csv", ...headers },
    body: csv,
  });
}

export async function importOf(member: Member, id: string, query = "") {
  const response = await sendAs(member, "GET", `/v1/imports/${id}${query}`);
  if (response.status !== 200) throw new Error(`import: ${response.status} ${await response.text()}`);
  return importWithErrorsSchema.parse(await response.json());
}

/** Waits for the real queue and consumer to finish an import (or bring it to `until`). */
export async function settledImport(member: Member, id: string, until: string[] = ["completed"]) {
  for (let i = 0; i < 150; i++) {
    const found = await importOf(member, id, "?limit=100");
    if (until.includes(found.status)) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`import ${id} did not settle`);
}

/** What the tenant used of a metric this month. */
export async function usedThisMonth(tenantId: string, metric: string): Promise<number> {
  const [row] = (await sqlAs("owner").query(
    `SELECT coalesce(sum(used), 0)::int AS n FROM usage
      WHERE tenant_id = $1 AND metric = $2 AND period = 'month'`,
    [tenantId, metric],
  )) as { n: number }[];
  return row?.n ?? 0;
}

/**
 * A queued import of company numbers written straight to the database, so no queue message
 * exists: the test decides when (and how often) the consumer sees it.
 */
export async function queuedImport(member: Member, numbers: string[]): Promise<string> {
  const sql = sqlAs("owner");
  const [row] = (await sql.query("INSERT INTO imports (tenant_id, total) VALUES ($1, $2) RETURNING id", [
    member.tenant.id,
    numbers.length,
  ])) as { id: string }[];
  if (!row) throw new Error("no import");
  await sql.query(
    `INSERT INTO import_rows (tenant_id, import_id, row_number, kind, input, value)
     SELECT $1, $2, n, 'company_number', v, v FROM unnest($3::text[]) WITH ORDINALITY AS t(v, n)`,
    [member.tenant.id, row.id, numbers],
  );
  return row.id;
}

/** Delivers one batch to the Worker's queue handler (env overrides optional) and reports acks and retries. */
export async function deliverImports(importIds: string[], options: { queue?: string; env?: Partial<Env> } = {}) {
  const batch = createMessageBatch<ImportMessage>(
    options.queue ?? IMPORT_QUEUE,
    importIds.map((importId, i) => ({
      id: `msg-${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: 1,
      body: { importId },
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env ? { ...env, ...options.env } : env, ctx);
  return getQueueResult(batch, ctx);
}

/** The rows of an import as stored. */
export async function rowsOf(importId: string) {
  return (await sqlAs("owner").query(
    "SELECT row_number, status, problem_type, company_id FROM import_rows WHERE import_id = $1 ORDER BY row_number",
    [importId],
  )) as { row_number: number; status: string; problem_type: string | null; company_id: string | null }[];
}
