import { beforeAll, describe, expect, it } from "vitest";
import { addMember, createTenantWithMember, createUser } from "../factories";
import { signedBegin, sqlAs } from "../harness";

/**
 * Workspaces at the SQL level, as the Worker's own role with no WHERE clause to help: a member
 * with workspace_scope 'assigned' sees only the companies of their workspaces, and only what hangs
 * off those companies.
 */
describe("workspace row-level security as app_api", () => {
  const owner = () => sqlAs("owner");
  let tenantId: string;
  let ownerSubject: string;
  const people: Record<string, { id: string; subject: string }> = {};
  const ids: Record<string, string> = {};

  const one = async (text: string, params: unknown[] = []) => {
    const [row] = await owner().query(text, params);
    return String(row?.id);
  };

  beforeAll(async () => {
    const t = await createTenantWithMember("owner");
    tenantId = t.tenant.id;
    ownerSubject = t.user.subject;
    for (const [name, role, scope] of [
      ["confined", "editor", "assigned"],
      ["nowhere", "viewer", "assigned"],
      ["everywhere", "viewer", "all"],
      ["admin", "admin", "assigned"],
    ] as const) {
      const user = await createUser();
      await addMember(tenantId, user.id, role);
      await owner().query("UPDATE memberships SET workspace_scope = $3 WHERE tenant_id = $1 AND user_id = $2", [
        tenantId,
        user.id,
        scope,
      ]);
      people[name] = user;
    }
    for (const w of ["north", "south"]) {
      ids[w] = await one("INSERT INTO workspaces (tenant_id, name) VALUES ($1, $2) RETURNING id", [tenantId, w]);
    }
    for (const c of ["inNorth", "inSouth", "inNone"]) {
      ids[c] = await one("INSERT INTO companies (tenant_id, name) VALUES ($1, $2) RETURNING id", [tenantId, c]);
      await owner().query(
        "INSERT INTO contacts (tenant_id, company_id, name, lawful_basis) VALUES ($1, $2, 'Person', 'consent')",
        [tenantId, ids[c]],
      );
      const job = await one(
        "INSERT INTO scrape_jobs (tenant_id, company_id, url, status) VALUES ($1, $2, 'https://x.example', 'succeeded') RETURNING id",
        [tenantId, ids[c]],
      );
      await owner().query(
        "INSERT INTO scrape_pages (tenant_id, job_id, url, outcome) VALUES ($1, $2, 'https://x.example/', 'fetched')",
        [tenantId, job],
      );
      await owner().query(
        `INSERT INTO company_signals (tenant_id, company_id, job_id, kind, name, data, source_url, fetched_at)
         VALUES ($1, $2, $3, 'web_profile', 'web_profile', '{}', 'https://x.example/', now())`,
        [tenantId, ids[c], job],
      );
    }
    await owner().query(
      "INSERT INTO workspace_companies (tenant_id, workspace_id, company_id) VALUES ($1, $2, $3), ($1, $4, $5)",
      [tenantId, ids.north, ids.inNorth, ids.south, ids.inSouth],
    );
    for (const who of ["confined", "admin"]) {
      await owner().query("INSERT INTO workspace_members (tenant_id, workspace_id, user_id) VALUES ($1, $2, $3)", [
        tenantId,
        ids.north,
        people[who]?.id,
      ]);
    }
  });

  /** Runs `text` in a transaction begun for `subject`. */
  const as = async (subject: string, text: string, params: unknown[] = []) => {
    const sql = sqlAs("app_api");
    const begin = await signedBegin({ tenantId, subject, role: "viewer", requestId: "workspace-rls" });
    const [, rows] = await sql.transaction([sql.query(...begin), sql.query(text, params)]);
    return rows as Record<string, unknown>[];
  };
  const subjectOf = (name: string) => people[name]?.subject ?? "";
  const companyIdsOf = (rows: Record<string, unknown>[]) => new Set(rows.map((r) => r.company_id));

  const TABLES: Record<string, string> = {
    companies: "SELECT id AS company_id FROM companies",
    contacts: "SELECT company_id FROM contacts",
    scrape_jobs: "SELECT company_id FROM scrape_jobs",
    scrape_pages: "SELECT j.company_id FROM scrape_pages p JOIN scrape_jobs j ON j.id = p.job_id",
    company_signals: "SELECT company_id FROM company_signals",
  };

  it.each(Object.keys(TABLES))("%s: a confined member sees only their workspaces' companies", async (table) => {
    const text = TABLES[table] ?? "";
    expect(companyIdsOf(await as(subjectOf("confined"), text))).toEqual(new Set([ids.inNorth]));
    expect(await as(subjectOf("nowhere"), text)).toEqual([]);
    const all = new Set([ids.inNorth, ids.inSouth, ids.inNone]);
    expect(companyIdsOf(await as(subjectOf("everywhere"), text))).toEqual(all);
    // Owners and admins see everything, whatever scope is stored.
    expect(companyIdsOf(await as(subjectOf("admin"), text))).toEqual(all);
    expect(companyIdsOf(await as(ownerSubject, text))).toEqual(all);
  });

  it("scrape_pages alone (no join to help) is confined too", async () => {
    const rows = await as(subjectOf("confined"), "SELECT job_id FROM scrape_pages");
    expect(rows).toHaveLength(1);
  });

  it("a confined member sees only their own workspaces", async () => {
    expect(await as(subjectOf("confined"), "SELECT id FROM workspaces")).toEqual([{ id: ids.north }]);
    expect(await as(subjectOf("nowhere"), "SELECT id FROM workspaces")).toEqual([]);
    expect(await as(subjectOf("everywhere"), "SELECT id FROM workspaces ORDER BY name")).toEqual([
      { id: ids.north },
      { id: ids.south },
    ]);
  });

  it("a confined member changes nothing outside their workspaces, and cannot plant rows there", async () => {
    const confined = subjectOf("confined");
    expect(await as(confined, "UPDATE companies SET name = 'Taken' WHERE id = $1 RETURNING id", [ids.inSouth])).toEqual(
      [],
    );
    expect(await as(confined, "UPDATE companies SET name = 'Mine' WHERE id = $1 RETURNING id", [ids.inNorth])).toEqual([
      { id: ids.inNorth },
    ]);
    const refused = (text: string, params: unknown[]) =>
      as(confined, text, params).then(
        () => null,
        (error: { code?: string }) => error.code,
      );
    expect(
      await refused(
        "INSERT INTO contacts (tenant_id, company_id, name, lawful_basis) VALUES ($1, $2, 'Planted', 'consent')",
        [tenantId, ids.inSouth],
      ),
    ).toMatch(/^(42501|23503)$/); // WITH CHECK, or the same-tenant company check finding no company
    // A new company would be in no workspace: out of their reach, so refused.
    expect(await refused("INSERT INTO companies (tenant_id, name) VALUES ($1, 'Fresh Ltd')", [tenantId])).toBe("42501");
    // Moving a contact of theirs to a company outside is refused by WITH CHECK.
    expect(
      await refused("UPDATE contacts SET company_id = $2 WHERE company_id = $1", [ids.inNorth, ids.inSouth]),
    ).toMatch(/^(42501|23503)$/);
    const [south] = await owner().query("SELECT name FROM companies WHERE id = $1", [ids.inSouth]);
    expect(south).toEqual({ name: "inSouth" });
  });

  it("reads the member's workspaces once per statement (an InitPlan), the companies as a hashed sub-plan", async () => {
    const plan = await as(subjectOf("confined"), "EXPLAIN SELECT id FROM companies WHERE deleted_at IS NULL");
    const text = plan.map((row) => String(row["QUERY PLAN"])).join("\n");
    expect(text).toMatch(/InitPlan/);
    expect(text).toMatch(/hashed SubPlan/);
    expect(text).not.toMatch(/SubPlan \d+\n.*workspace_ids/);
  });
});
