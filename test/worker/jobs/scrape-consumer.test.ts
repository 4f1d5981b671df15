import { describe, expect, it } from "vitest";
import { signedIn } from "../factories";
import { sendAs, sqlAs } from "../harness";
import { deliver, hitsOf, type JobState, jobState, queuedJob, SCRAPE_DLQ, siteCompany, siteOrigin } from "../scrape";

async function pagesOf(jobId: string) {
  return (await sqlAs("owner").query(
    "SELECT url, outcome, http_status, bytes, detail FROM scrape_pages WHERE job_id = $1 ORDER BY fetched_at, id",
    [jobId],
  )) as { url: string; outcome: string; http_status: number | null; bytes: number | null; detail: string | null }[];
}

async function signalsOf(jobId: string) {
  return (await sqlAs("owner").query(
    "SELECT kind, name, confidence, data, source_url FROM company_signals WHERE job_id = $1 ORDER BY kind, name",
    [jobId],
  )) as { kind: string; name: string; confidence: number | null; data: Record<string, unknown>; source_url: string }[];
}

async function scrape(site: string) {
  const editor = await signedIn("editor");
  const { jobId, companyId } = await queuedJob(editor, site);
  const result = await deliver([jobId]);
  return { editor, jobId, companyId, result, job: await jobState(jobId) };
}

describe("scrape consumer", () => {
  it("scrapes the home page and its contact, about and careers pages, and stores signals with provenance", async () => {
    const { jobId, result, job, editor, companyId } = await scrape("basic");
    expect(result.explicitAcks).toHaveLength(1);
    expect(job).toMatchObject({ status: "succeeded", pages_fetched: 4, lease_id: null, failure_reason: null });
    const pages = await pagesOf(jobId);
    expect(pages.map((p) => new URL(p.url).pathname).sort()).toEqual(["/", "/about-us/", "/careers/", "/contact"]);
    expect(pages.every((p) => p.outcome === "fetched" && p.http_status === 200)).toBe(true);

    const signals = await signalsOf(jobId);
    const technologies = signals.filter((s) => s.kind === "technology").map((s) => s.name);
    expect(technologies).toEqual(expect.arrayContaining(["wordpress", "google-tag-manager"]));
    const profile = signals.find((s) => s.kind === "web_profile")?.data;
    expect(profile).toMatchObject({
      title: "Acme Cloud Services | Managed IT for UK businesses",
      description: "Managed IT and cloud for UK SMEs.",
      open_graph: { title: "Acme Cloud Services", type: "website" },
      social_profiles: {
        linkedin: ["https://www.linkedin.com/company/acme-cloud"],
        x: ["https://twitter.com/acmecloud"],
        github: ["https://github.com/acme-cloud"],
        youtube: ["https://www.youtube.com/@acmecloud"],
      },
      phones: ["+442079460000"],
      // Role addresses of the company's own domain only: never a person's.
      emails: ["info@127.0.0.1", "sales@127.0.0.1"],
    });
    expect(JSON.stringify(profile)).not.toContain("jane.smith");
    expect((profile as { social_profiles: Record<string, unknown> }).social_profiles.facebook).toBeUndefined();
    expect((profile as { contact_pages: string[] }).contact_pages).toEqual([`${siteOrigin("basic")}/contact`]);

    const api = await sendAs(editor, "GET", `/v1/companies/${companyId}/signals`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as {
      job_id: string;
      technologies: { slug: string; evidence: unknown[]; confidence: number; source_url: string }[];
    };
    expect(body.job_id).toBe(jobId);
    const wordpress = body.technologies.find((t) => t.slug === "wordpress");
    expect(wordpress?.evidence.length).toBeGreaterThan(0);
    expect(wordpress?.source_url).toBe(`${siteOrigin("basic")}/`);
  });

  it("identifies itself, reads robots.txt once per host, and never fetches links it does not need", async () => {
    await scrape("basic");
    await scrape("basic");
    const hits = await hitsOf("basic");
    expect(hits.filter((h) => h.path === "/robots.txt")).toHaveLength(1);
    expect(hits.some((h) => h.path === "/brochure.pdf")).toBe(false);
    expect(new Set(hits.map((h) => h.userAgent))).toEqual(new Set(["DetecktivBot/1.0 (+https://detecktiv.co.uk/bot)"]));
  });

  it.each([
    ["robots-deny", "all agents disallowed"],
    ["robots-deny-us", "our agent disallowed by name"],
  ])("fails with blocked_by_robots, fetching no page: %s (%s)", async (site) => {
    const { job, jobId, result } = await scrape(site);
    expect(result.explicitAcks).toHaveLength(1);
    expect(job).toMatchObject({ status: "failed", failure_reason: "blocked_by_robots", pages_fetched: 0 });
    expect(await pagesOf(jobId)).toEqual([]);
    expect((await hitsOf(site)).filter((h) => h.path !== "/robots.txt")).toEqual([]);
  });

  it("skips (and records) the pages robots.txt disallows, and treats a 404 robots.txt as allowing all", async () => {
    const partial = await scrape("robots-partial");
    expect(partial.job.status).toBe("succeeded");
    const pages = await pagesOf(partial.jobId);
    expect(pages.find((p) => p.url.endsWith("/careers/"))).toMatchObject({ outcome: "blocked_by_robots", bytes: null });
    expect((await hitsOf("robots-partial")).some((h) => h.path === "/careers/")).toBe(false);

    const missing = await scrape("robots-404");
    expect(missing.job).toMatchObject({ status: "succeeded", pages_fetched: 4 });
  });

  it("honours Crawl-delay: no two requests to the host closer than its delay", async () => {
    const { job } = await scrape("crawl-delay");
    expect(job.status).toBe("succeeded");
    const times = (await hitsOf("crawl-delay")).map((h) => h.at);
    expect(times.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(950);
    }
  });

  it("follows up to five redirects, and records where it landed", async () => {
    const { job, jobId } = await scrape("redirect-chain");
    expect(job.status).toBe("succeeded");
    expect((await pagesOf(jobId))[0]?.url).toBe(`${siteOrigin("redirect-chain")}/home`);
  });

  it.each([
    ["redirect-loop", "too_many_redirects"],
    ["redirect-metadata", "blocked_address"],
    ["redirect-file", "unsupported_url"],
    ["not-html", "not_html"],
    ["status-404", "http_error"],
  ])("fails at once, without retrying: %s → %s", async (site, reason) => {
    const { job, result } = await scrape(site);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(job).toMatchObject({ status: "failed", failure_reason: reason });
  });

  it.each([
    ["refused", "its port refuses connections", "could not be reached"],
    ["robots-500", "its robots.txt answers 503", "answered 503"],
  ])(
    "retries a site whose robots.txt cannot be had as site_unavailable, fetching no page: %s (%s)",
    async (site, _, why) => {
      const { job, jobId, result, editor } = await scrape(site);
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages).toHaveLength(1);
      expect(result.retryDelays).toEqual([30]);
      expect(job).toMatchObject({ status: "queued", pages_fetched: 0, lease_id: null });
      // What the tenant reads: a plain sentence of ours, never what the runtime said.
      const seen = (await (await sendAs(editor, "GET", `/v1/scrape-jobs/${jobId}`)).json()) as JobState;
      expect(seen).toMatchObject({
        status: "queued",
        failure_reason: "site_unavailable",
        failure_detail: `${new URL(siteOrigin(site)).host} is unavailable: its robots.txt ${why}`,
      });
      expect(seen.failure_detail).not.toMatch(/internal error|reference =/i);
      expect(await pagesOf(jobId)).toEqual([]);
      if (site !== "refused") expect((await hitsOf(site)).map((h) => h.path)).toEqual(["/robots.txt"]);

      // Not cached as a verdict: the next attempt asks again, and backs off further.
      const again = await deliver([jobId], { attempts: 2 });
      expect(again.retryDelays).toEqual([60]);
      expect(await jobState(jobId)).toMatchObject({
        status: "queued",
        attempts: 2,
        failure_reason: "site_unavailable",
      });
      if (site !== "refused") expect((await hitsOf(site)).map((h) => h.path)).toEqual(["/robots.txt", "/robots.txt"]);

      // Out of retries, the dead-letter queue fails it.
      await deliver([jobId], { queue: SCRAPE_DLQ, attempts: 6 });
      const dead = await jobState(jobId);
      expect(dead).toMatchObject({ status: "failed", failure_reason: "retries_exhausted" });
      expect(dead.failure_detail).not.toMatch(/internal error|reference =/i);
    },
  );

  it.each([
    "http://198.51.100.7/",
    "http://2852039166/latest/meta-data/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[::7f00:1]/",
    "http://[2002:a9fe:a9fe::]/",
    "http://[fec0::1]/",
    // The fake site's own port: only the guard stops this hop from landing.
    "http://0.0.0.0:PORT/",
  ])("refuses a redirect hop to %s, even with private networks allowed, and never sends it", async (target) => {
    const editor = await signedIn("editor");
    const company = await siteCompany(editor, "redirect-to");
    const origin = siteOrigin("redirect-to");
    const hostile = target.replace("PORT", new URL(origin).port);
    const start = `${origin}/to/${encodeURIComponent(hostile)}`;
    const [row] = (await sqlAs("owner").query(
      "INSERT INTO scrape_jobs (tenant_id, company_id, url) VALUES ($1, $2, $3) RETURNING id",
      [editor.tenant.id, company.id, start],
    )) as { id: string }[];
    const jobId = row?.id ?? "";
    const before = (await hitsOf("redirect-to")).length;

    const result = await deliver([jobId]);
    expect(result.retryMessages).toEqual([]);
    const job = await jobState(jobId);
    expect(job).toMatchObject({ status: "failed", failure_reason: "blocked_address", pages_fetched: 0 });
    expect(job.failure_detail).toContain(new URL(hostile).hostname);
    // The two hops on the fake site, and nothing after the refused one.
    const paths = (await hitsOf("redirect-to")).slice(before).map((h) => h.path);
    expect(paths.filter((p) => p !== "/robots.txt")).toEqual([
      new URL(start).pathname,
      new URL(start).pathname.replace("/to/", "/hop/"),
    ]);
  });

  it("never requests the metadata address a redirect points at", async () => {
    await scrape("redirect-metadata");
    const hits = await hitsOf("redirect-metadata");
    expect(hits.every((h) => !h.path.includes("meta-data"))).toBe(true);
  });

  it("reads at most SCRAPE_MAX_BYTES of a huge page", async () => {
    const { job, jobId } = await scrape("huge");
    expect(job.status).toBe("succeeded");
    expect((await pagesOf(jobId))[0]?.bytes).toBe(262144);
  });

  it("retries transient failures with backoff, putting the job back in the queue", async () => {
    const slow = await scrape("slow");
    expect(slow.job).toMatchObject({ status: "queued", failure_reason: "timeout", lease_id: null });
    expect(slow.result.retryMessages).toHaveLength(1);
    expect(slow.result.retryDelays).toEqual([30]);

    const busy = await scrape("status-503");
    expect(busy.job).toMatchObject({ status: "queued", failure_reason: "site_unavailable" });
    // The site's Retry-After (120 s) wins over the first backoff step.
    expect(busy.result.retryDelays).toEqual([120]);

    // The retry claims the job again.
    const again = await deliver([busy.jobId], { attempts: 2 });
    expect(again.retryMessages).toHaveLength(1);
    // 30 s, 60 s, 120 s...: the site's 120 s still wins at the second attempt.
    expect(again.retryDelays).toEqual([120]);
    expect(await jobState(busy.jobId)).toMatchObject({ status: "queued", attempts: 2 });
  });

  it("does the work once when a message is delivered twice, at once or later", async () => {
    const editor = await signedIn("editor");
    const { jobId } = await queuedJob(editor, "basic");
    const before = (await hitsOf("basic")).length;
    const result = await deliver([jobId, jobId]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(await jobState(jobId)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect((await hitsOf("basic")).length - before).toBe(4);
    const signals = (await signalsOf(jobId)).length;

    const late = await deliver([jobId]);
    expect(late.explicitAcks).toHaveLength(1);
    expect((await signalsOf(jobId)).length).toBe(signals);
    expect((await hitsOf("basic")).length - before).toBe(4);
  });

  it("loses nothing when a consumer dies mid-job: once its lease runs out, a redelivery finishes the job", async () => {
    const editor = await signedIn("editor");
    const { jobId } = await queuedJob(editor, "robots-404");
    // A consumer claimed the job and died without a word.
    await sqlAs("owner").query(
      "UPDATE scrape_jobs SET status = 'running', attempts = 1, lease_id = gen_random_uuid(), lease_expires_at = now() + interval '5 minutes' WHERE id = $1",
      [jobId],
    );
    // While its lease is live, a redelivery leaves the job alone.
    expect((await deliver([jobId])).explicitAcks).toHaveLength(1);
    expect(await jobState(jobId)).toMatchObject({ status: "running", attempts: 1 });
    await sqlAs("owner").query("UPDATE scrape_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [
      jobId,
    ]);
    await deliver([jobId]);
    expect(await jobState(jobId)).toMatchObject({ status: "succeeded", attempts: 2, lease_id: null });
  });

  it("marks a job failed when its message reaches the dead-letter queue", async () => {
    const editor = await signedIn("editor");
    const { jobId } = await queuedJob(editor, "slow");
    const result = await deliver([jobId], { queue: SCRAPE_DLQ, attempts: 6 });
    expect(result.explicitAcks).toHaveLength(1);
    expect(await jobState(jobId)).toMatchObject({ status: "failed", failure_reason: "retries_exhausted" });
  });

  it("drops a message that names no job", async () => {
    const result = await deliver(["not-a-job-id"]);
    expect(result.explicitAcks).toHaveLength(1);
  });
});
