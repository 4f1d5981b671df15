import { describe, expect, it } from "vitest";
import { scrapeJobSchema } from "../../../src/routes/scrape-jobs/schemas";
import { signedIn } from "../factories";
import { problemOf, sendAs, sqlAs } from "../harness";
import { deliver, jobState, queuedJob, siteCompany } from "../scrape";

type Member = Awaited<ReturnType<typeof signedIn>>;

async function requestScrape(member: Member, companyId: string) {
  return sendAs(member, "POST", `/v1/companies/${companyId}/scrape`);
}

async function failedJob(member: Member) {
  const { jobId, companyId } = await queuedJob(member, "not-html");
  await deliver([jobId]);
  return { jobId, companyId };
}

describe("POST /v1/companies/{id}/scrape", () => {
  it("queues a job (202) and answers a second request with the live job (200), queueing nothing more", async () => {
    const editor = await signedIn("editor");
    const company = await siteCompany(editor, "via-queue");
    const first = await requestScrape(editor, company.id);
    expect(first.status).toBe(202);
    const job = scrapeJobSchema.parse(await first.json());
    expect(job).toMatchObject({ company_id: company.id, status: "queued", attempts: 0 });
    expect(first.headers.get("location")).toBe(`/v1/scrape-jobs/${job.id}`);

    const second = await requestScrape(editor, company.id);
    expect(second.status).toBe(200);
    expect(scrapeJobSchema.parse(await second.json()).id).toBe(job.id);
    const [count] = await sqlAs("owner").query("SELECT count(*)::int AS n FROM scrape_jobs WHERE company_id = $1", [
      company.id,
    ]);
    expect(count).toEqual({ n: 1 });
  });

  it("gives concurrent requests for one company the same single job", async () => {
    const editor = await signedIn("editor");
    const company = await siteCompany(editor, "via-queue");
    const responses = await Promise.all(Array.from({ length: 3 }, () => requestScrape(editor, company.id)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 202]);
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);
  });

  it("runs the job through the real queue and consumer", async () => {
    const editor = await signedIn("editor");
    const company = await siteCompany(editor, "via-queue");
    const job = scrapeJobSchema.parse(await (await requestScrape(editor, company.id)).json());
    let status = job.status;
    for (let i = 0; i < 100 && (status === "queued" || status === "running"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await jobState(job.id)).status as typeof status;
    }
    expect(status).toBe("succeeded");
    const signals = (await (await sendAs(editor, "GET", `/v1/companies/${company.id}/signals`)).json()) as {
      job_id: string;
      web_profile: { title: string } | null;
    };
    expect(signals.job_id).toBe(job.id);
    expect(signals.web_profile?.title).toContain("Acme Cloud Services");
  });

  it("answers 422 for a company without a website and 404 for an unknown one, writing nothing", async () => {
    const editor = await signedIn("editor");
    const bare = (await (await sendAs(editor, "POST", "/v1/companies", { name: "No Site Ltd" })).json()) as {
      id: string;
    };
    const response = await requestScrape(editor, bare.id);
    expect(response.status).toBe(422);
    expect((await problemOf(response)).detail).toContain("website");
    expect((await requestScrape(editor, crypto.randomUUID())).status).toBe(404);
    const [count] = await sqlAs("owner").query("SELECT count(*)::int AS n FROM scrape_jobs WHERE tenant_id = $1", [
      editor.tenant.id,
    ]);
    expect(count).toEqual({ n: 0 });
  });

  it("needs the editor role, and is audited", async () => {
    const editor = await signedIn("editor");
    const viewer = await signedIn("viewer", editor.tenant);
    const company = await siteCompany(editor, "via-queue");
    expect((await requestScrape(viewer, company.id)).status).toBe(403);
    const job = scrapeJobSchema.parse(await (await requestScrape(editor, company.id)).json());
    const [entry] = await sqlAs("owner").query(
      "SELECT actor_id FROM audit_log WHERE action = 'scrape_job.created' AND target_id = $1",
      [job.id],
    );
    expect(entry).toEqual({ actor_id: editor.user.id });
  });
});

describe("GET /v1/scrape-jobs and /v1/scrape-jobs/{id}", () => {
  it("lists jobs newest first with status and company filters, and shows one job with its pages", async () => {
    const editor = await signedIn("editor");
    const failed = await failedJob(editor);
    const done = await queuedJob(editor, "robots-404");
    await deliver([done.jobId]);

    const all = (await (await sendAs(editor, "GET", "/v1/scrape-jobs")).json()) as { items: { id: string }[] };
    expect(all.items.map((j) => j.id)).toEqual([done.jobId, failed.jobId]);
    const onlyFailed = (await (await sendAs(editor, "GET", "/v1/scrape-jobs?status=failed")).json()) as {
      items: { id: string; failure_reason: string }[];
    };
    expect(onlyFailed.items).toEqual([expect.objectContaining({ id: failed.jobId, failure_reason: "not_html" })]);
    const byCompany = (await (
      await sendAs(editor, "GET", `/v1/scrape-jobs?company_id=${done.companyId}&limit=1`)
    ).json()) as { items: { id: string }[]; next_cursor: string | null };
    expect(byCompany).toEqual({ items: [expect.objectContaining({ id: done.jobId })], next_cursor: null });

    const one = await sendAs(editor, "GET", `/v1/scrape-jobs/${done.jobId}`);
    const body = scrapeJobSchema.parse(await one.json());
    expect(body).toMatchObject({ status: "succeeded", pages_fetched: 4 });
    expect(body.pages?.map((p) => p.outcome)).toEqual(["fetched", "fetched", "fetched", "fetched"]);
    expect((await sendAs(editor, "GET", `/v1/scrape-jobs/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("rejects an unknown status filter with a 400 naming it", async () => {
    const viewer = await signedIn("viewer");
    const response = await sendAs(viewer, "GET", "/v1/scrape-jobs?status=lost");
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toEqual(["query.status"]);
  });
});

describe("POST /v1/scrape-jobs/{id}/retry", () => {
  it("queues a failed job again; any other job is a 409", async () => {
    const editor = await signedIn("editor");
    const { jobId } = await failedJob(editor);
    const retried = await sendAs(editor, "POST", `/v1/scrape-jobs/${jobId}/retry`);
    expect(retried.status).toBe(202);
    expect(scrapeJobSchema.parse(await retried.json())).toMatchObject({
      status: "queued",
      attempts: 0,
      failure_reason: null,
    });
    const again = await sendAs(editor, "POST", `/v1/scrape-jobs/${jobId}/retry`);
    expect(again.status).toBe(409);
    expect((await problemOf(again)).detail).toContain("queued");
  });
});

describe("GET /v1/companies/{id}/signals", () => {
  it("is empty before any successful scrape", async () => {
    const viewer = await signedIn("viewer");
    const editor = await signedIn("editor", viewer.tenant);
    const company = await siteCompany(editor, "via-queue");
    const response = await sendAs(viewer, "GET", `/v1/companies/${company.id}/signals`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      company_id: company.id,
      job_id: null,
      technologies: [],
      web_profile: null,
    });
  });
});
