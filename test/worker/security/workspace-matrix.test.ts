import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { signedIn } from "../factories";
import { call, sendAs, sqlAs } from "../harness";
import { seedRegister } from "../register";
import { eventually } from "../webhooks/receiver";

type Member = Awaited<ReturnType<typeof signedIn>>;

interface Fixture {
  /** An editor with workspace_scope 'assigned', working the "mine" workspace only. */
  confined: Member;
  mine: { workspace: string; company: string };
  /** Another workspace of the same tenant, with a company, a contact and a failed job. */
  other: { workspace: string; company: string; contact: string; job: string };
  /** An export the (unconfined) admin requested of the whole tenant. */
  adminExport: string;
}

const status = async (member: Member, method: string, path: string, body?: unknown) =>
  (await sendAs(member, method, path, body)).status;

/**
 * How a confined member attacks each route to reach the other workspace's data. Every route of
 * company data and of workspaces must be here (the coverage test below fails otherwise).
 */
const ATTACKS: Record<string, (f: Fixture) => Promise<void>> = {
  "GET /v1/companies": async (f) => {
    const text = await (await call("/v1/companies?q=walled&limit=100", { headers: f.confined.headers })).text();
    expect(text).not.toContain(f.other.company);
    const byWorkspace = await call(`/v1/companies?workspace_id=${f.other.workspace}`, { headers: f.confined.headers });
    expect(await byWorkspace.json()).toEqual({ items: [], next_cursor: null });
  },
  "POST /v1/companies": async (f) => {
    expect(await status(f.confined, "POST", "/v1/companies", { name: "Walled Garden Ltd" })).toBe(403);
  },
  "POST /v1/companies/bulk": async (f) => {
    // Like creating one: a confined member adds no company, and learns nothing of the other workspace's.
    const number = `SC${String(100_000 + Math.floor(Math.random() * 899_999))}`;
    await seedRegister([{ company_number: number, name: "Walled Register Ltd" }]);
    const response = await sendAs(f.confined, "POST", "/v1/companies/bulk", { company_numbers: [number, "SC000001"] });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain(f.other.company);
  },
  "GET /v1/companies/:id": async (f) => {
    expect(await status(f.confined, "GET", `/v1/companies/${f.other.company}`)).toBe(404);
  },
  "PATCH /v1/companies/:id": async (f) => {
    expect(await status(f.confined, "PATCH", `/v1/companies/${f.other.company}`, { name: "Taken" })).toBe(404);
  },
  "DELETE /v1/companies/:id": async (f) => {
    expect(await status(f.confined, "DELETE", `/v1/companies/${f.other.company}`)).toBe(404);
  },
  "POST /v1/companies/:id/restore": async (f) => {
    expect(await status(f.confined, "POST", `/v1/companies/${f.other.company}/restore`)).toBe(404);
  },
  "POST /v1/companies/import": async (f) => {
    // The other workspace's company has this number: the import may not reach it.
    const code = await status(f.confined, "POST", "/v1/companies/import", { company_number: "SC000001" });
    expect([403, 404, 409]).toContain(code);
  },
  "POST /v1/companies/:id/refresh": async (f) => {
    expect(await status(f.confined, "POST", `/v1/companies/${f.other.company}/refresh`)).toBe(404);
  },
  "GET /v1/companies/:id/contacts": async (f) => {
    expect(await status(f.confined, "GET", `/v1/companies/${f.other.company}/contacts`)).toBe(404);
  },
  "POST /v1/companies/:id/contacts": async (f) => {
    const body = { name: "Planted", lawful_basis: "consent" };
    expect(await status(f.confined, "POST", `/v1/companies/${f.other.company}/contacts`, body)).toBe(404);
  },
  "GET /v1/contacts/:id": async (f) => {
    expect(await status(f.confined, "GET", `/v1/contacts/${f.other.contact}`)).toBe(404);
  },
  "PATCH /v1/contacts/:id": async (f) => {
    expect(await status(f.confined, "PATCH", `/v1/contacts/${f.other.contact}`, { name: "Changed" })).toBe(404);
  },
  "DELETE /v1/contacts/:id": async (f) => {
    expect(await status(f.confined, "DELETE", `/v1/contacts/${f.other.contact}`)).toBe(404);
  },
  "POST /v1/companies/:id/scrape": async (f) => {
    expect(await status(f.confined, "POST", `/v1/companies/${f.other.company}/scrape`)).toBe(404);
  },
  "GET /v1/companies/:id/signals": async (f) => {
    expect(await status(f.confined, "GET", `/v1/companies/${f.other.company}/signals`)).toBe(404);
  },
  "GET /v1/companies/:id/changes": async (f) => {
    expect(await status(f.confined, "GET", `/v1/companies/${f.other.company}/changes`)).toBe(404);
  },
  "GET /v1/changes": async (f) => {
    const listed = await call("/v1/changes?limit=100", { headers: f.confined.headers });
    expect(listed.status).toBe(200);
    expect(await listed.text()).not.toContain(f.other.company);
  },
  "GET /v1/events": async (f) => {
    // The admin's own company shows once the feed has it; the other workspace's never does.
    const feed = await eventually(async () => {
      const text = await (await call("/v1/events?limit=100", { headers: f.confined.headers })).text();
      return text.includes(f.mine.company) ? text : undefined;
    });
    expect(feed).not.toContain(f.other.company);
    expect(feed).not.toContain("member.added");
  },
  "GET /v1/scrape-jobs": async (f) => {
    const text = await (await call("/v1/scrape-jobs?limit=100", { headers: f.confined.headers })).text();
    expect(text).not.toContain(f.other.job);
    for (const filter of [`company_id=${f.other.company}`, `workspace_id=${f.other.workspace}`]) {
      const listed = await call(`/v1/scrape-jobs?${filter}`, { headers: f.confined.headers });
      expect(await listed.json()).toEqual({ items: [], next_cursor: null });
    }
  },
  "GET /v1/scrape-jobs/:id": async (f) => {
    expect(await status(f.confined, "GET", `/v1/scrape-jobs/${f.other.job}`)).toBe(404);
  },
  "POST /v1/scrape-jobs/:id/retry": async (f) => {
    expect(await status(f.confined, "POST", `/v1/scrape-jobs/${f.other.job}/retry`)).toBe(404);
  },
  "POST /v1/exports": async (f) => {
    // The confined member's export holds their workspace's companies only, whatever the filters say.
    for (const body of [{ format: "csv" }, { format: "csv", workspace_id: f.other.workspace }]) {
      const response = await sendAs(f.confined, "POST", "/v1/exports", body);
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      const held = (await sqlAs("owner").query("SELECT company_id FROM export_companies WHERE export_id = $1", [
        id,
      ])) as { company_id: string }[];
      expect(held.map((row) => row.company_id)).not.toContain(f.other.company);
    }
  },
  "GET /v1/exports": async (f) => {
    // Another member's export may hold other workspaces' companies: a confined member does not see it.
    const text = await (await call("/v1/exports?limit=100", { headers: f.confined.headers })).text();
    expect(text).not.toContain(f.adminExport);
  },
  "GET /v1/exports/:id": async (f) => {
    expect(await status(f.confined, "GET", `/v1/exports/${f.adminExport}`)).toBe(404);
  },
  "GET /v1/exports/:id/download": async (f) => {
    // The link is the permission, and a confined member cannot get one for the admin's export.
    const expires = Math.floor(Date.now() / 1000) + 60;
    const response = await call(`/v1/exports/${f.adminExport}/download?expires=${expires}&signature=${"0".repeat(64)}`);
    expect(response.status).toBe(403);
  },
  "GET /v1/workspaces": async (f) => {
    const listed = (await (await call("/v1/workspaces", { headers: f.confined.headers })).json()) as {
      items: { id: string }[];
    };
    expect(listed.items.map((w) => w.id)).toEqual([f.mine.workspace]);
  },
  // Managing workspaces is for admins, who are never confined: an editor is refused outright.
  "POST /v1/workspaces": async (f) => {
    expect(await status(f.confined, "POST", "/v1/workspaces", { name: "Mine now" })).toBe(403);
  },
  "PATCH /v1/workspaces/:id": async (f) => {
    expect(await status(f.confined, "PATCH", `/v1/workspaces/${f.other.workspace}`, { name: "x" })).toBe(403);
  },
  "DELETE /v1/workspaces/:id": async (f) => {
    expect(await status(f.confined, "DELETE", `/v1/workspaces/${f.other.workspace}`)).toBe(403);
  },
  "PUT /v1/workspaces/:id/members/:userId": async (f) => {
    const path = `/v1/workspaces/${f.other.workspace}/members/${f.confined.user.id}`;
    expect(await status(f.confined, "PUT", path)).toBe(403);
  },
  "DELETE /v1/workspaces/:id/members/:userId": async (f) => {
    const path = `/v1/workspaces/${f.mine.workspace}/members/${f.confined.user.id}`;
    expect(await status(f.confined, "DELETE", path)).toBe(403);
  },
  "PUT /v1/workspaces/:id/companies/:companyId": async (f) => {
    const path = `/v1/workspaces/${f.mine.workspace}/companies/${f.other.company}`;
    expect(await status(f.confined, "PUT", path)).toBe(403);
  },
  "DELETE /v1/workspaces/:id/companies/:companyId": async (f) => {
    const path = `/v1/workspaces/${f.other.workspace}/companies/${f.other.company}`;
    expect(await status(f.confined, "DELETE", path)).toBe(403);
  },
};

/** The other workspace as stored, to prove that no attempt changed it. */
async function snapshotOf(f: Fixture) {
  const sql = sqlAs("owner");
  const [companies, contacts, jobs, links] = await sql.transaction([
    sql.query("SELECT id, name, version, deleted_at FROM companies WHERE id = $1", [f.other.company]),
    sql.query("SELECT id, name, version, deleted_at FROM contacts WHERE company_id = $1 ORDER BY id", [
      f.other.company,
    ]),
    sql.query("SELECT id, status, attempts FROM scrape_jobs WHERE company_id = $1 ORDER BY id", [f.other.company]),
    sql.query("SELECT workspace_id, company_id FROM workspace_companies WHERE workspace_id IN ($1, $2) ORDER BY 1, 2", [
      f.other.workspace,
      f.mine.workspace,
    ]),
  ]);
  return { companies, contacts, jobs, links };
}

describe("workspace isolation matrix", () => {
  const DATA_PATHS = /^\/v1\/(companies|contacts|changes|events|scrape-jobs|exports|workspaces)/;
  const routes = createApp()
    .routes.filter((route) => DATA_PATHS.test(route.path) && route.method !== "ALL")
    .map((route) => `${route.method} ${route.path}`);

  it("covers every route of company data and of workspaces", () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((route) => !(route in ATTACKS))).toEqual([]);
  });

  let f: Fixture;
  let before: Awaited<ReturnType<typeof snapshotOf>>;
  beforeAll(async () => {
    const admin = await signedIn("admin");
    const confined = await signedIn("editor", admin.tenant);
    const created = async (path: string, body: unknown) => {
      const response = await sendAs(admin, "POST", path, body);
      if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    };
    const mine = { workspace: await created("/v1/workspaces", { name: "Mine" }) };
    const otherWorkspace = await created("/v1/workspaces", { name: "Theirs" });
    const myCompany = await created("/v1/companies", { name: "Walled Mine Ltd" });
    const otherCompany = await created("/v1/companies", { name: "Walled Theirs Ltd", company_number: "SC000001" });
    const contact = await created(`/v1/companies/${otherCompany}/contacts`, {
      name: "Walled Person",
      lawful_basis: "consent",
    });
    const [job] = (await sqlAs("owner").query(
      "INSERT INTO scrape_jobs (tenant_id, company_id, url, status) VALUES ($1, $2, 'https://walled.example', 'failed') RETURNING id",
      [admin.tenant.id, otherCompany],
    )) as { id: string }[];
    // A change of the other workspace's company, as the scheduled refresh would record it.
    await sqlAs("owner").query(
      "INSERT INTO company_changes (tenant_id, company_id, type, details) VALUES ($1, $2, 'status_changed', '{}')",
      [admin.tenant.id, otherCompany],
    );
    for (const [w, c] of [
      [mine.workspace, myCompany],
      [otherWorkspace, otherCompany],
    ]) {
      expect((await sendAs(admin, "PUT", `/v1/workspaces/${w}/companies/${c}`)).status).toBe(204);
    }
    expect((await sendAs(admin, "PUT", `/v1/workspaces/${mine.workspace}/members/${confined.user.id}`)).status).toBe(
      204,
    );
    const scoped = await sendAs(admin, "PATCH", `/v1/members/${confined.user.id}`, { workspace_scope: "assigned" });
    expect(scoped.status).toBe(200);
    const adminExport = await sendAs(admin, "POST", "/v1/exports", { format: "csv" });
    expect(adminExport.status).toBe(202);
    f = {
      confined,
      mine: { workspace: mine.workspace, company: myCompany },
      other: { workspace: otherWorkspace, company: otherCompany, contact, job: String(job?.id) },
      adminExport: ((await adminExport.json()) as { id: string }).id,
    };
    before = await snapshotOf(f);
  });

  it("sees its own workspace's company (the fixture works)", async () => {
    expect((await call(`/v1/companies/${f.mine.company}`, { headers: f.confined.headers })).status).toBe(200);
  });

  it.each(Object.keys(ATTACKS))(
    "%s: 404 or refused, never the other workspace's data or a write to it",
    async (route) => {
      const attack = ATTACKS[route];
      if (!attack) throw new Error(`no case for ${route}`);
      await attack(f);
      expect(await snapshotOf(f)).toEqual(before);
    },
  );
});
