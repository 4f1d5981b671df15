import { describe, expect, it } from "vitest";
import { companySchema } from "../../../src/routes/companies/schemas";
import { signedIn } from "../factories";
import { problemOf, sendAs, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

async function createCompany(member: Member, body: Record<string, unknown>) {
  const response = await sendAs(member, "POST", "/v1/companies", body);
  if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
  return companySchema.parse(await response.json());
}

const number = () => String(Math.floor(Math.random() * 1e8)).padStart(8, "0");

describe("POST /v1/companies", () => {
  it("creates a company with provenance, a normalised number and website, and audits it", async () => {
    const editor = await signedIn("editor");
    const response = await sendAs(editor, "POST", "/v1/companies", {
      name: "Acme Widgets Ltd",
      company_number: "sc 123456",
      website: "https://WWW.Acme.co.uk/about?x=1",
      tags: ["Target", "target", "msp"],
    });
    expect(response.status).toBe(201);
    const company = companySchema.parse(await response.json());
    expect(company).toMatchObject({
      company_number: "SC123456",
      domain: "acme.co.uk",
      tags: ["target", "msp"],
      provenance: { source: "manual", source_ref: null, fetched_at: null },
      version: 1,
    });
    expect(response.headers.get("location")).toBe(`/v1/companies/${company.id}`);
    expect(response.headers.get("etag")).toBe(`"${company.id}.1"`);
    const [entry] = await sqlAs("owner").query(
      "SELECT actor_id FROM audit_log WHERE action = 'company.created' AND target_id = $1",
      [company.id],
    );
    expect(entry).toEqual({ actor_id: editor.user.id });
  });

  it("pads short numeric company numbers like Companies House", async () => {
    const editor = await signedIn("editor");
    expect((await createCompany(editor, { name: "Padded", company_number: "4242" })).company_number).toBe("00004242");
  });

  it.each([
    [{ name: "X", company_number: "ZZ123456" }, "body.company_number"],
    [{ name: "X", company_number: "123456789" }, "body.company_number"],
    [{ name: "X", website: "not a website" }, "body.website"],
    [{ name: "" }, "body.name"],
    [{ name: "X", unexpected: 1 }, "body"],
  ])("rejects %j with a 400 naming the field, writing nothing", async (body, field) => {
    const editor = await signedIn("editor");
    const response = await sendAs(editor, "POST", "/v1/companies", body);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
    const [count] = await sqlAs("owner").query("SELECT count(*)::int AS n FROM companies WHERE tenant_id = $1", [
      editor.tenant.id,
    ]);
    expect(count).toEqual({ n: 0 });
  });

  it("answers 409 naming the existing company when the number is taken in the tenant", async () => {
    const editor = await signedIn("editor");
    const n = number();
    const first = await createCompany(editor, { name: "First", company_number: n });
    const response = await sendAs(editor, "POST", "/v1/companies", { name: "Second", company_number: n });
    expect(response.status).toBe(409);
    const problem = await problemOf(response);
    expect(problem.existing_id).toBe(first.id);
    expect(problem.detail).toContain(first.id);
    // Another tenant may hold the same number.
    const other = await signedIn("editor");
    expect((await sendAs(other, "POST", "/v1/companies", { name: "Theirs", company_number: n })).status).toBe(201);
  });

  it("replays the first response for the same Idempotency-Key and body; another body is a 422", async () => {
    const editor = await signedIn("editor");
    const body = { name: "Once Only Ltd", company_number: number() };
    const key = { "Idempotency-Key": `create-${crypto.randomUUID()}` };
    const first = await sendAs(editor, "POST", "/v1/companies", body, key);
    expect(first.status).toBe(201);
    const firstBody = await first.json();
    const again = await sendAs(editor, "POST", "/v1/companies", body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(firstBody);
    const other = await sendAs(editor, "POST", "/v1/companies", { ...body, name: "Changed" }, key);
    expect(other.status).toBe(422);
    const [count] = await sqlAs("owner").query("SELECT count(*)::int AS n FROM companies WHERE tenant_id = $1", [
      editor.tenant.id,
    ]);
    expect(count).toEqual({ n: 1 });
  });

  it("keeps idempotency keys per tenant", async () => {
    const a = await signedIn("editor");
    const b = await signedIn("editor");
    const key = { "Idempotency-Key": `shared-${crypto.randomUUID()}` };
    const body = { name: "Same Key Ltd" };
    const fromA = (await (await sendAs(a, "POST", "/v1/companies", body, key)).json()) as { id: string };
    const fromB = await sendAs(b, "POST", "/v1/companies", body, key);
    expect(fromB.status).toBe(201);
    expect(((await fromB.json()) as { id: string }).id).not.toBe(fromA.id);
  });
});

describe("GET/PATCH /v1/companies/{id}", () => {
  it("serves the company with an ETag, and 304 for a matching If-None-Match", async () => {
    const editor = await signedIn("editor");
    const company = await createCompany(editor, { name: "Etag Ltd" });
    const response = await sendAs(editor, "GET", `/v1/companies/${company.id}`);
    expect(response.status).toBe(200);
    const etag = response.headers.get("etag") ?? "";
    expect(companySchema.parse(await response.json()).id).toBe(company.id);
    const cached = await sendAs(editor, "GET", `/v1/companies/${company.id}`, undefined, { "If-None-Match": etag });
    expect(cached.status).toBe(304);
  });

  it("updates with the current If-Match, bumping the version; a stale one is a 412 and changes nothing", async () => {
    const editor = await signedIn("editor");
    const company = await createCompany(editor, { name: "Versioned Ltd" });
    const v1 = `"${company.id}.1"`;
    const updated = await sendAs(
      editor,
      "PATCH",
      `/v1/companies/${company.id}`,
      { name: "Versioned Plc" },
      { "If-Match": v1 },
    );
    expect(updated.status).toBe(200);
    expect(updated.headers.get("etag")).toBe(`"${company.id}.2"`);
    expect(companySchema.parse(await updated.json())).toMatchObject({ name: "Versioned Plc", version: 2 });

    const stale = await sendAs(
      editor,
      "PATCH",
      `/v1/companies/${company.id}`,
      { name: "Lost Update" },
      { "If-Match": v1 },
    );
    expect(stale.status).toBe(412);
    expect((await problemOf(stale)).current_etag).toBe(`"${company.id}.2"`);
    for (const tag of ['W/"x"', "garbage", `"${crypto.randomUUID()}.2"`]) {
      expect(
        (await sendAs(editor, "PATCH", `/v1/companies/${company.id}`, { name: "No" }, { "If-Match": tag })).status,
      ).toBe(412);
    }
    const current = companySchema.parse(await (await sendAs(editor, "GET", `/v1/companies/${company.id}`)).json());
    expect(current.name).toBe("Versioned Plc");
  });

  it("updates without If-Match, and answers 404 for an unknown id", async () => {
    const editor = await signedIn("editor");
    const company = await createCompany(editor, { name: "Free Ltd" });
    const response = await sendAs(editor, "PATCH", `/v1/companies/${company.id}`, { tags: ["a"], website: null });
    expect(response.status).toBe(200);
    expect(companySchema.parse(await response.json())).toMatchObject({ tags: ["a"], domain: null });
    expect((await sendAs(editor, "PATCH", `/v1/companies/${crypto.randomUUID()}`, { name: "x" })).status).toBe(404);
  });
});

describe("DELETE and restore", () => {
  it("soft-deletes (gone from lists, still readable) and restores within the window", async () => {
    const editor = await signedIn("editor");
    const company = await createCompany(editor, { name: "Phoenix Ltd" });
    expect((await sendAs(editor, "DELETE", `/v1/companies/${company.id}`)).status).toBe(204);
    const list = (await (await sendAs(editor, "GET", "/v1/companies")).json()) as { items: { id: string }[] };
    expect(list.items.map((c) => c.id)).not.toContain(company.id);
    const deleted = companySchema.parse(await (await sendAs(editor, "GET", `/v1/companies/${company.id}`)).json());
    expect(deleted.deleted_at).not.toBeNull();
    const restored = await sendAs(editor, "POST", `/v1/companies/${company.id}/restore`);
    expect(restored.status).toBe(200);
    expect(companySchema.parse(await restored.json()).deleted_at).toBeNull();
    const actions = await sqlAs("owner").query("SELECT action FROM audit_log WHERE target_id = $1 ORDER BY action", [
      company.id,
    ]);
    expect(actions.map((a) => a.action)).toEqual(["company.created", "company.deleted", "company.restored"]);
  });

  it("refuses to restore past the retention window", async () => {
    const editor = await signedIn("editor");
    const company = await createCompany(editor, { name: "Too Late Ltd" });
    await sqlAs("owner").query("UPDATE companies SET deleted_at = now() - interval '31 days' WHERE id = $1", [
      company.id,
    ]);
    expect((await sendAs(editor, "POST", `/v1/companies/${company.id}/restore`)).status).toBe(409);
  });
});

describe("GET /v1/companies", () => {
  it("ranks the exact number first, then name prefixes, then similar names", async () => {
    const viewer = await signedIn("editor");
    const n = number();
    const exact = await createCompany(viewer, { name: "Zenith Components", company_number: n });
    const prefixShort = await createCompany(viewer, { name: "Northwind Traders Ltd" });
    const prefixLong = await createCompany(viewer, { name: "Northwind Traders Holdings" });
    const fuzzy = await createCompany(viewer, { name: "Northwnd Trading" });
    await createCompany(viewer, { name: "Unrelated Bakery" });

    const search = async (q: string, extra = "") =>
      (
        (await (await sendAs(viewer, "GET", `/v1/companies?q=${encodeURIComponent(q)}${extra}`)).json()) as {
          items: { id: string }[];
        }
      ).items.map((c) => c.id);
    expect((await search(n))[0]).toBe(exact.id);
    const ids = await search("northwind traders");
    expect(ids.slice(0, 2)).toEqual([prefixShort.id, prefixLong.id]);
    expect(ids).toContain(fuzzy.id);
    expect(ids.indexOf(fuzzy.id)).toBeGreaterThan(1);

    // Paging through the ranked results gives the same order.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await sendAs(viewer, "GET", `/v1/companies?q=northwind%20traders&limit=1${cursor ? `&cursor=${cursor}` : ""}`)
      ).json()) as { items: { id: string }[]; next_cursor: string | null };
      paged.push(...page.items.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(paged).toEqual(ids);
  });

  it("filters by number, status, SIC, postcode prefix, tag and creation time", async () => {
    const editor = await signedIn("editor");
    const a = await createCompany(editor, { name: "Alpha", tags: ["msp"] });
    const b = await createCompany(editor, { name: "Beta", company_number: number() });
    await sqlAs("owner").query(
      "UPDATE companies SET status = 'active', sic_codes = '{62012,62020}', postcode = 'EC1A1BB' WHERE id = $1",
      [a.id],
    );
    const ids = async (query: string) =>
      ((await (await sendAs(editor, "GET", `/v1/companies?${query}`)).json()) as { items: { id: string }[] }).items.map(
        (c) => c.id,
      );
    expect(await ids("status=active")).toEqual([a.id]);
    expect(await ids("sic=99999,62020")).toEqual([a.id]);
    expect(await ids("postcode=ec1a")).toEqual([a.id]);
    expect(await ids("tag=MSP")).toEqual([a.id]);
    expect(await ids(`company_number=${b.company_number}`)).toEqual([b.id]);
    expect((await ids(`created_after=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).length).toBe(
      0,
    );
    expect(await ids("sort=name")).toEqual([a.id, b.id]);
    expect(await ids("sort=recent")).toEqual([b.id, a.id]);
  });

  it("filters by a technology or category that the latest successful scrape found", async () => {
    const editor = await signedIn("editor");
    const [a, b, c] = [
      await createCompany(editor, { name: "Alpha" }),
      await createCompany(editor, { name: "Beta" }),
      await createCompany(editor, { name: "Gamma" }),
    ];
    const other = await signedIn("editor");
    const foreign = await createCompany(other, { name: "Foreign" });
    const owner = sqlAs("owner");
    const scraped = async (
      tenantId: string,
      companyId: string,
      finishedAt: string,
      status: string,
      found: [string, string][],
    ) => {
      const [job] = (await owner.query(
        `INSERT INTO scrape_jobs (tenant_id, company_id, url, status, started_at, finished_at)
         VALUES ($1, $2, 'https://example.co.uk', $3, $4, $4) RETURNING id`,
        [tenantId, companyId, status, finishedAt],
      )) as { id: string }[];
      for (const [name, category] of found) {
        await owner.query(
          `INSERT INTO company_signals (tenant_id, company_id, job_id, kind, name, category, confidence, data, source_url, fetched_at)
           VALUES ($1, $2, $3, 'technology', $4, $5, 90, '{}', 'https://example.co.uk', $6)`,
          [tenantId, companyId, job?.id, name, category, finishedAt],
        );
      }
    };
    // Alpha used Shopify, then moved to WordPress; Beta runs Shopify and HubSpot; a failed job's
    // findings (Gamma) and another tenant's never count.
    await scraped(editor.tenant.id, a.id, "2026-01-01T00:00:00Z", "succeeded", [["shopify", "ecommerce"]]);
    await scraped(editor.tenant.id, a.id, "2026-02-01T00:00:00Z", "succeeded", [["wordpress", "cms"]]);
    await scraped(editor.tenant.id, b.id, "2026-01-15T00:00:00Z", "succeeded", [
      ["shopify", "ecommerce"],
      ["hubspot", "crm"],
    ]);
    await scraped(editor.tenant.id, c.id, "2026-03-01T00:00:00Z", "failed", [["shopify", "ecommerce"]]);
    await scraped(other.tenant.id, foreign.id, "2026-01-01T00:00:00Z", "succeeded", [["shopify", "ecommerce"]]);
    const ids = async (query: string) => {
      const response = await sendAs(editor, "GET", `/v1/companies?sort=name&${query}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: { id: string }[] }).items.map((item) => item.id);
    };
    expect(await ids("technology=shopify")).toEqual([b.id]);
    expect(await ids("technology=WordPress")).toEqual([a.id]);
    expect(await ids("technology_category=ecommerce")).toEqual([b.id]);
    expect(await ids("technology_category=crm&technology=shopify")).toEqual([b.id]);
    expect(await ids("technology_category=cms&technology=shopify")).toEqual([]);
    const bad = await sendAs(editor, "GET", "/v1/companies?technology_category=spreadsheets");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });

  it("pages through the default (recent) and name orders without gaps or repeats", async () => {
    const editor = await signedIn("editor");
    const created = [];
    for (const name of ["Charlie", "Alpha", "Bravo"]) created.push(await createCompany(editor, { name }));
    for (const [sort, expected] of [
      ["recent", [...created].reverse().map((c) => c.id)],
      ["name", [created[1], created[2], created[0]].map((c) => c?.id)],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = (await (
          await sendAs(editor, "GET", `/v1/companies?sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ""}`)
        ).json()) as { items: { id: string }[]; next_cursor: string | null };
        seen.push(...page.items.map((c) => c.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen, sort).toEqual(expected);
    }
  });

  it("pages through a search's relevance order as one page would list it", async () => {
    const editor = await signedIn("editor");
    // Name prefixes and similar names: two ranks, and similarity scores that differ in their last
    // digits (the cursor carries them as Postgres' text).
    for (const name of ["Alpina Systems", "Alphabet Data", "Alpha Networks", "Alpha", "Zeta Alpha Group", "Alphas"]) {
      await createCompany(editor, { name });
    }
    const path = "/v1/companies?q=alpha&sort=relevance";
    const whole = (await (await sendAs(editor, "GET", `${path}&limit=100`)).json()) as {
      items: { id: string }[];
      next_cursor: string | null;
    };
    expect(whole.next_cursor).toBeNull();
    expect(whole.items.length).toBeGreaterThanOrEqual(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await sendAs(editor, "GET", `${path}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: { id: string }[]; next_cursor: string | null };
      expect(page.items.length).toBe(1);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(whole.items.map((c) => c.id));
  });

  it("pages by name through names outside Latin-1 and as long as a name may be", async () => {
    const editor = await signedIn("editor");
    const names = ["Łódź Software Sp. z o.o.", "Ørsted 株式会社", `Zenith ${"Ž".repeat(190)}`];
    const created = [];
    for (const name of names) created.push(await createCompany(editor, { name }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await sendAs(
        editor,
        "GET",
        `/v1/companies?sort=name&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: { id: string }[]; next_cursor: string | null };
      seen.push(...page.items.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(created.map((c) => c.id).sort());
  });

  it("rejects relevance sorting without a search and a malformed cursor", async () => {
    const viewer = await signedIn("viewer");
    expect((await sendAs(viewer, "GET", "/v1/companies?sort=relevance")).status).toBe(400);
    expect((await sendAs(viewer, "GET", "/v1/companies?cursor=abc")).status).toBe(400);
  });
});
