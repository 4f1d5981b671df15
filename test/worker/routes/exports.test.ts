import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { signDownload } from "../../../src/exports/download-link";
import { exportColumnsOf } from "../../../src/exports/records";
import { exportSchema } from "../../../src/routes/exports/schemas";
import { TEST_EXPORT_SIGNING_SECRET } from "../constants";
import {
  deliverExports,
  download,
  EXPORT_DLQ,
  exportedRows,
  exportFile,
  exportOf,
  requestExport,
  settledExport,
} from "../exports";
import { signedIn } from "../factories";
import { call, problemOf, sendAs, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;
const owner = () => sqlAs("owner");
const month = () => new Date().toISOString().slice(0, 8).concat("01");

async function company(member: Member, body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await sendAs(member, "POST", "/v1/companies", body);
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json();
}

async function contact(member: Member, companyId: string, body: Record<string, unknown>) {
  const response = await sendAs(member, "POST", `/v1/companies/${companyId}/contacts`, body);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string };
}

/** A succeeded scrape of the company that found `technologies` (written directly: no queue). */
async function scraped(member: Member, companyId: string, technologies: { slug: string; category: string }[]) {
  const [job] = (await owner().query(
    `INSERT INTO scrape_jobs (tenant_id, company_id, url, status, finished_at)
     VALUES ($1, $2, 'https://scraped.example', 'succeeded', now()) RETURNING id`,
    [member.tenant.id, companyId],
  )) as [{ id: string }];
  for (const tech of technologies) {
    await owner().query(
      `INSERT INTO company_signals (tenant_id, company_id, job_id, kind, name, category, confidence, data, source_url, fetched_at)
       VALUES ($1, $2, $3, 'technology', $4, $5, 90, $6, 'https://scraped.example/', now())`,
      [
        member.tenant.id,
        companyId,
        job.id,
        tech.slug,
        tech.category,
        JSON.stringify({ name: tech.slug.toUpperCase() }),
      ],
    );
  }
}

const csvRecords = (text: string) => parse(text, { columns: true, bom: false }) as Record<string, string>[];
const ndjsonRecords = (text: string) =>
  text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function auditActions(tenantId: string, exportId: string) {
  return (await owner().query(
    "SELECT action, actor_type, metadata FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY created_at, id",
    [tenantId, exportId],
  )) as { action: string; actor_type: string; metadata: Record<string, unknown> }[];
}

describe("POST /v1/exports and the export file", () => {
  it("writes the filtered companies as CSV, spreadsheet-safe, with exportable contacts only", async () => {
    const editor = await signedIn("editor");
    const formula = await company(editor, { name: '=HYPERLINK("https://evil.example") Ltd', tags: ["target"] });
    const at = await company(editor, { name: "@SUM(1+1) Trading", tags: ["target"], website: "https://at.example" });
    const other = await company(editor, { name: "Untargeted Ltd" });
    await contact(editor, formula.id, {
      name: "+Plus Person",
      email: "ok@formula.example",
      job_title: "CTO, Platform",
      lawful_basis: "legitimate_interests",
    });
    await contact(editor, formula.id, {
      name: "Public Task",
      email: "duty@formula.example",
      lawful_basis: "public_task",
    });
    await contact(editor, at.id, { name: "Erased Later", email: "gone@at.example", lawful_basis: "consent" });
    // On the suppression list while the record still exists (an erasure racing an import): never exported.
    await owner().query(
      "INSERT INTO suppressed_subjects (tenant_id, subject_hash) VALUES ($1, app.subject_hash($1, 'email', 'gone@at.example'))",
      [editor.tenant.id],
    );

    const { queued, done, response, text } = await exportFile(editor, {
      tag: "target",
      format: "csv",
      include: ["contacts"],
    });
    expect(queued).toMatchObject({
      status: "queued",
      format: "csv",
      include: ["contacts"],
      filters: { tag: "target" },
      row_count: 2,
      truncated: false,
      links: { self: `/v1/exports/${queued.id}`, download: null },
    });
    expect(done).toMatchObject({ status: "succeeded", rows_written: 2, error: null, attempts: 1 });
    expect(done.bytes).toBe(new TextEncoder().encode(text).byteLength);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="detecktiv-export-${queued.id}.csv"`,
    );
    expect(response.headers.get("cache-control")).toBe("private, no-store");

    expect(text.split("\r\n")[0]).toBe(exportColumnsOf(["contacts"]).join(","));
    const records = csvRecords(text);
    // Newest first, as the list; the untargeted company is not in it.
    expect(records.map((r) => r.id)).toEqual([at.id, formula.id]);
    expect(text).not.toContain(other.id);
    // Formulas arrive as text: a leading quote, whatever the cell.
    expect(records[1]?.name).toBe('\'=HYPERLINK("https://evil.example") Ltd');
    expect(records[0]?.name).toBe("'@SUM(1+1) Trading");
    expect(records[0]?.website).toBe("https://at.example");
    expect(records[0]?.tags).toBe("target");
    const contacts = JSON.parse(records[1]?.contacts ?? "null") as Record<string, unknown>[];
    expect(contacts).toEqual([
      expect.objectContaining({
        name: "+Plus Person",
        email: "ok@formula.example",
        job_title: "CTO, Platform",
        lawful_basis: "legitimate_interests",
        source: "manual",
      }),
    ]);
    expect(JSON.parse(records[0]?.contacts ?? "null")).toEqual([]);
    expect(text).not.toContain("duty@formula.example");
    expect(text).not.toContain("gone@at.example");

    const audit = await auditActions(editor.tenant.id, queued.id);
    expect(audit.map((entry) => entry.action)).toEqual(["export.created", "export.downloaded"]);
    expect(audit[0]).toMatchObject({
      actor_type: "user",
      metadata: { format: "csv", include: ["contacts"], filters: { tag: "target" }, row_count: 2 },
    });
    expect(audit[1]).toMatchObject({
      actor_type: "system",
      metadata: { format: "csv", rows: 2, requested_by: editor.user.id },
    });
    expect(await exportedRows(editor.tenant.id)).toBe(2);
  });

  it("writes NDJSON with the latest scrape's technologies, filtered by technology", async () => {
    const editor = await signedIn("editor");
    const wordpress = await company(editor, { name: "Press Ltd", company_number: "SC100001" });
    const hubspot = await company(editor, { name: "Hub Ltd" });
    await scraped(editor, wordpress.id, [
      { slug: "wordpress", category: "cms" },
      { slug: "hubspot", category: "crm" },
    ]);
    await scraped(editor, hubspot.id, [{ slug: "hubspot", category: "crm" }]);

    const { done, response, text } = await exportFile(editor, {
      technology: "wordpress",
      format: "ndjson",
      include: ["signals"],
    });
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    expect(done.row_count).toBe(1);
    const [line, ...rest] = ndjsonRecords(text);
    expect(rest).toEqual([]);
    expect(Object.keys(line ?? {})).toEqual(exportColumnsOf(["signals"]));
    expect(line).toMatchObject({
      id: wordpress.id,
      company_number: "SC100001",
      name: "Press Ltd",
      sic_codes: [],
      technologies: [
        { slug: "hubspot", name: "HUBSPOT", category: "crm", confidence: 90 },
        { slug: "wordpress", name: "WORDPRESS", category: "cms", confidence: 90 },
      ],
    });
    expect(line).not.toHaveProperty("contacts");

    // The list's other filters mean the same here: a category, and a search.
    const crm = await exportFile(editor, { technology_category: "crm", format: "ndjson" });
    expect(ndjsonRecords(crm.text).map((r) => r.id)).toEqual([hubspot.id, wordpress.id]);
    const searched = await exportFile(editor, { q: "hub", format: "csv" });
    expect(csvRecords(searched.text).map((r) => r.id)).toEqual([hubspot.id]);
  });

  it("an export matching nothing is a file with only its header", async () => {
    const editor = await signedIn("editor");
    const { done, text } = await exportFile(editor, { tag: "nothing-has-this", format: "csv" });
    expect(done).toMatchObject({ row_count: 0, rows_written: 0 });
    expect(text).toBe(`${exportColumnsOf([]).join(",")}\r\n`);
  });

  it("refuses bad input with a 400 and creates nothing", async () => {
    const editor = await signedIn("editor");
    for (const body of [
      { format: "xlsx" },
      {},
      { format: "csv", include: ["officers"] },
      { format: "csv", sort: "name" },
      { format: "csv", workspace_id: "not-a-uuid" },
    ]) {
      const response = await sendAs(editor, "POST", "/v1/exports", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect(await owner().query("SELECT id FROM export_jobs WHERE tenant_id = $1", [editor.tenant.id])).toEqual([]);
  });

  it("a viewer may read exports but not create one", async () => {
    const editor = await signedIn("editor");
    const viewer = await signedIn("viewer", editor.tenant);
    const created = await requestExport(editor, { format: "csv" });
    expect((await sendAs(viewer, "POST", "/v1/exports", { format: "csv" })).status).toBe(403);
    expect((await exportOf(viewer, created.id)).id).toBe(created.id);
    const list = (await (await sendAs(viewer, "GET", "/v1/exports")).json()) as { items: unknown[] };
    expect(list.items.map((item) => exportSchema.parse(item).id)).toEqual([created.id]);
  });

  it("keeps tenants apart: another tenant's export is 404 and its rows are never in the file", async () => {
    const a = await signedIn("editor");
    const b = await signedIn("editor");
    const aCompany = await company(a, { name: "Alpha Secrets Ltd" });
    const bCompany = await company(b, { name: "Beta Ltd" });
    const aExport = await requestExport(a, { format: "csv" });
    expect((await sendAs(b, "GET", `/v1/exports/${aExport.id}`)).status).toBe(404);
    const bList = await (await sendAs(b, "GET", "/v1/exports")).text();
    expect(bList).not.toContain(aExport.id);
    const { text } = await exportFile(b, { format: "csv" });
    expect(csvRecords(text).map((r) => r.id)).toEqual([bCompany.id]);
    expect(text).not.toContain(aCompany.id);
  });

  it("an export over the exported_rows quota is 402 and nothing is created", async () => {
    const editor = await signedIn("editor");
    await company(editor, { name: "One Ltd" });
    await company(editor, { name: "Two Ltd" });
    // free: 1,000 exported rows a month, 999 used: one row left, two asked.
    await owner().query(
      `INSERT INTO usage (tenant_id, metric, period, starts_on, used) VALUES ($1, 'exported_rows', 'month', $2, 999)`,
      [editor.tenant.id, month()],
    );
    const refused = await sendAs(editor, "POST", "/v1/exports", { format: "csv" });
    expect(refused.status).toBe(402);
    expect(await problemOf(refused)).toMatchObject({ metric: "exported_rows", quota: 1000, used: 999 });
    expect(await owner().query("SELECT id FROM export_jobs WHERE tenant_id = $1", [editor.tenant.id])).toEqual([]);
    expect(await owner().query("SELECT 1 FROM export_companies WHERE tenant_id = $1", [editor.tenant.id])).toEqual([]);
    const audit = await owner().query("SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action = 'export.created'", [
      editor.tenant.id,
    ]);
    expect(audit).toEqual([]);
    expect(await exportedRows(editor.tenant.id)).toBe(999);
    // One row fits.
    expect((await requestExport(editor, { format: "csv", q: "one" })).row_count).toBe(1);
    expect(await exportedRows(editor.tenant.id)).toBe(1000);
  });

  it("sends the export to its queue, whose consumer writes the file", async () => {
    const editor = await signedIn("editor");
    const queued = await company(editor, { name: "Queued Ltd" });
    const requested = await requestExport(editor, { format: "ndjson" }, { viaQueue: true });
    const done = await settledExport(editor, requested.id);
    expect(done).toMatchObject({ status: "succeeded", rows_written: 1 });
    expect(ndjsonRecords(await (await download(done)).text()).map((r) => r.id)).toEqual([queued.id]);
  });

  it("an Idempotency-Key replays the export instead of counting it again", async () => {
    const editor = await signedIn("editor");
    await company(editor, { name: "Replay Ltd" });
    const headers = { "Idempotency-Key": crypto.randomUUID() };
    const first = await sendAs(editor, "POST", "/v1/exports", { format: "ndjson" }, headers);
    const second = await sendAs(editor, "POST", "/v1/exports", { format: "ndjson" }, headers);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(exportSchema.parse(await second.json()).id).toBe(exportSchema.parse(await first.json()).id);
    expect(await exportedRows(editor.tenant.id)).toBe(1);
  });
});

describe("download links", () => {
  it("refuses a tampered link (403) and an expired one (410); a fresh GET gives a working link", async () => {
    const editor = await signedIn("editor");
    await company(editor, { name: "Linked Ltd" });
    const { done } = await exportFile(editor, { format: "csv" });
    const link = new URL(done.links.download ?? "");
    expect(link.pathname).toBe(`/v1/exports/${done.id}/download`);
    const expires = Number(link.searchParams.get("expires"));
    // EXPORT_LINK_TTL_S defaults to 15 minutes.
    expect(expires - Math.floor(Date.now() / 1000)).toBeGreaterThan(890);
    expect(Date.parse(done.links.download_expires_at ?? "")).toBe(expires * 1000);

    const signature = link.searchParams.get("signature") ?? "";
    const tampered = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    const path = `/v1/exports/${done.id}/download`;
    for (const query of [
      `expires=${expires}&signature=${tampered}`,
      `expires=${expires + 3600}&signature=${signature}`,
      `expires=${expires}&signature=nonsense`,
    ]) {
      const response = await call(`${path}?${query}`);
      expect(response.status, query).toBe(403);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
    // Another export's signature does not open this one.
    const otherId = crypto.randomUUID();
    const forOther = await signDownload(TEST_EXPORT_SIGNING_SECRET, otherId, expires);
    expect((await call(`${path}?expires=${expires}&signature=${forOther}`)).status).toBe(403);

    const past = Math.floor(Date.now() / 1000) - 1;
    const expired = await call(
      `${path}?expires=${past}&signature=${await signDownload(TEST_EXPORT_SIGNING_SECRET, done.id, past)}`,
    );
    expect(expired.status).toBe(410);
    expect((await problemOf(expired)).detail).toContain(`GET /v1/exports/${done.id}`);

    // None of the refusals was a download.
    const downloads = await owner().query(
      "SELECT 1 FROM audit_log WHERE tenant_id = $1 AND target_id = $2 AND action = 'export.downloaded'",
      [editor.tenant.id, done.id],
    );
    expect(downloads).toHaveLength(1);
    expect((await download(await exportOf(editor, done.id))).status).toBe(200);
  });

  it("an unfinished export has no link, and a link to it finds nothing", async () => {
    const editor = await signedIn("editor");
    const queued = await requestExport(editor, { format: "csv" });
    expect((await exportOf(editor, queued.id)).links.download).toBeNull();
    const expires = Math.floor(Date.now() / 1000) + 60;
    const signature = await signDownload(TEST_EXPORT_SIGNING_SECRET, queued.id, expires);
    expect((await call(`/v1/exports/${queued.id}/download?expires=${expires}&signature=${signature}`)).status).toBe(
      404,
    );
  });
});

describe("export queue consumer", () => {
  /** An R2 bucket whose uploads fail, as during an R2 outage. */
  const failingBucket = {
    put: () => Promise.reject(new Error("R2 is unavailable")),
    createMultipartUpload: () => Promise.reject(new Error("R2 is unavailable")),
  } as unknown as R2Bucket;

  it("a failed attempt is retried with its error recorded and no file; the retry is not metered again", async () => {
    const editor = await signedIn("editor");
    await company(editor, { name: "Retry One Ltd" });
    await company(editor, { name: "Retry Two Ltd" });
    const queued = await requestExport(editor, { format: "csv" });
    expect(await exportedRows(editor.tenant.id)).toBe(2);

    const failed = await deliverExports([queued.id], { env: { EXPORTS_BUCKET: failingBucket } });
    expect(failed.retryMessages).toHaveLength(1);
    const afterFailure = await exportOf(editor, queued.id);
    expect(afterFailure).toMatchObject({ status: "queued", attempts: 1, links: { download: null } });
    expect(afterFailure.error).toMatch(/^Attempt 1 stopped \(an internal error\); retried in 30 s\.$/);

    // The redelivered message (and a duplicate of it) writes the file once; nothing counts again.
    const [retried, duplicate] = [
      await deliverExports([queued.id], { attempts: 2 }),
      await deliverExports([queued.id], { attempts: 2 }),
    ];
    expect(retried.explicitAcks).toHaveLength(1);
    expect(duplicate.explicitAcks).toHaveLength(1);
    const done = await exportOf(editor, queued.id);
    expect(done).toMatchObject({ status: "succeeded", attempts: 2, rows_written: 2, error: null });
    expect(csvRecords(await (await download(done)).text())).toHaveLength(2);
    expect(await exportedRows(editor.tenant.id)).toBe(2);
    // The job's list of companies is let go once the file is written.
    expect(await owner().query("SELECT 1 FROM export_companies WHERE export_id = $1", [queued.id])).toEqual([]);
  });

  it("a job whose consumer died is taken over once its lease runs out", async () => {
    const editor = await signedIn("editor");
    await company(editor, { name: "Lease Ltd" });
    const queued = await requestExport(editor, { format: "ndjson" });
    await owner().query(
      "UPDATE export_jobs SET status = 'running', attempts = 1, lease_id = gen_random_uuid(), lease_expires_at = now() + interval '5 minutes' WHERE id = $1",
      [queued.id],
    );
    // Held by a live lease: the message is acknowledged and nothing happens.
    expect((await deliverExports([queued.id])).explicitAcks).toHaveLength(1);
    expect((await exportOf(editor, queued.id)).status).toBe("running");
    await owner().query("UPDATE export_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [
      queued.id,
    ]);
    await deliverExports([queued.id], { attempts: 2 });
    expect(await exportOf(editor, queued.id)).toMatchObject({ status: "succeeded", attempts: 2, rows_written: 1 });
    expect(await exportedRows(editor.tenant.id)).toBe(1);
  });

  it("after its retries the export is failed with an error, and its rows are given back", async () => {
    const editor = await signedIn("editor");
    await company(editor, { name: "Doomed Ltd" });
    const queued = await requestExport(editor, { format: "csv" });
    expect(await exportedRows(editor.tenant.id)).toBe(1);
    await deliverExports([queued.id], { env: { EXPORTS_BUCKET: failingBucket } });
    const dead = await deliverExports([queued.id], { queue: EXPORT_DLQ, attempts: 6 });
    expect(dead.explicitAcks).toHaveLength(1);
    const failed = await exportOf(editor, queued.id);
    expect(failed).toMatchObject({ status: "failed", error: "Gave up after 6 deliveries.", links: { download: null } });
    expect(failed.finished_at).not.toBeNull();
    expect(await exportedRows(editor.tenant.id)).toBe(0);
    // A second dead letter for it changes nothing (and gives nothing back twice).
    await deliverExports([queued.id], { queue: EXPORT_DLQ, attempts: 6 });
    expect(await exportedRows(editor.tenant.id)).toBe(0);
    // And a late message of the live queue does not revive it.
    await deliverExports([queued.id], { attempts: 7 });
    expect((await exportOf(editor, queued.id)).status).toBe("failed");
  });

  it("companies deleted after the request are left out of the file", async () => {
    const editor = await signedIn("editor");
    const kept = await company(editor, { name: "Kept Ltd" });
    const deleted = await company(editor, { name: "Deleted Ltd" });
    const queued = await requestExport(editor, { format: "csv" });
    expect((await sendAs(editor, "DELETE", `/v1/companies/${deleted.id}`)).status).toBe(204);
    await deliverExports([queued.id]);
    const done = await exportOf(editor, queued.id);
    expect(done).toMatchObject({ row_count: 2, rows_written: 1 });
    expect(csvRecords(await (await download(done)).text()).map((r) => r.id)).toEqual([kept.id]);
  });
});
