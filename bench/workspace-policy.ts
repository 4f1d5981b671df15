/**
 * Scenario: what the workspace policy (migration 0033) costs the company list at 1,000,000
 * companies (20 tenants of 50,000) on the real PostgreSQL, measured server-side as app_api
 * (EXPLAIN ANALYZE execution time, median of ROUNDS) in one run:
 * - the tenant's owner, for whom the policy short-circuits (app.workspace_ids() is NULL);
 * - a member confined to one workspace of 5,000 companies (10 workspaces share the tenant's book);
 * - the owner again with the policy dropped (the baseline before workspaces).
 * The statements have the list's shapes (src/routes/companies/list-companies.ts): a recent page,
 * a name-ordered page and a name-prefix search, 26 rows each. Prints the confined member's plans.
 */
import pg from "pg";
import { requestSigner } from "../src/db/request-assertion";
import { freshPostgres } from "./fresh-postgres";
import { seedCompanies, seedOwner } from "./seed-companies";
import { BENCH_ASSERTION_KEY } from "./worker-harness";

const TENANTS = 20;
const PER_TENANT = Number(process.env.BENCH_COMPANIES_PER_TENANT ?? 50_000);
const WORKSPACES = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);

const STATEMENTS: Record<string, string> = {
  // NULLS LAST as the list writes it (and the index is built), or Postgres sorts the whole tenant.
  "recent page":
    "SELECT id FROM companies WHERE deleted_at IS NULL ORDER BY created_at DESC NULLS LAST, id DESC NULLS LAST LIMIT 26",
  "name order": `SELECT id FROM companies WHERE deleted_at IS NULL ORDER BY name_key COLLATE "C", id LIMIT 26`,
  "name prefix search": `SELECT id FROM companies WHERE deleted_at IS NULL
      AND name_key COLLATE "C" >= 'northwind cloud' AND name_key COLLATE "C" < 'northwind cloud' || chr(1114111)
      ORDER BY name_key COLLATE "C", id LIMIT 26`,
};

export async function workspacePolicyScenario(): Promise<Record<string, unknown>> {
  const { databaseUrl, drop } = await freshPostgres("workspaces");
  const asUser = (user: string) => Object.assign(new URL(databaseUrl), { username: user }).toString();
  const owner = new pg.Client({ connectionString: databaseUrl });
  const api = new pg.Client({ connectionString: asUser("app_api") });
  try {
    await owner.connect();
    const [tenantId] = await seedCompanies(owner, TENANTS, PER_TENANT);
    if (!tenantId) throw new Error("no tenant");
    await seedOwner(owner, tenantId, "bench|owner");
    await owner.query(
      `WITH u AS (INSERT INTO users (subject) VALUES ('bench|confined') RETURNING id)
       INSERT INTO memberships (tenant_id, user_id, role, workspace_scope) SELECT $1, id, 'editor', 'assigned' FROM u`,
      [tenantId],
    );
    await owner.query(
      `INSERT INTO workspaces (tenant_id, name) SELECT $1, 'Territory ' || g FROM generate_series(1, $2) g`,
      [tenantId, WORKSPACES],
    );
    await owner.query(
      `INSERT INTO workspace_companies (tenant_id, workspace_id, company_id)
       SELECT c.tenant_id, w.id, c.id
         FROM (SELECT id, tenant_id, row_number() OVER (ORDER BY id) % $2 AS k FROM companies WHERE tenant_id = $1) c
         JOIN (SELECT id, row_number() OVER (ORDER BY id) % $2 AS k FROM workspaces WHERE tenant_id = $1) w USING (k)`,
      [tenantId, WORKSPACES],
    );
    await owner.query(
      `INSERT INTO workspace_members (tenant_id, workspace_id, user_id)
       SELECT $1, (SELECT id FROM workspaces WHERE tenant_id = $1 ORDER BY id LIMIT 1), u.id
         FROM users u WHERE u.subject = 'bench|confined'`,
      [tenantId],
    );
    await owner.query("SET session_replication_role = DEFAULT");
    await owner.query("ANALYZE");

    await api.connect();
    const signer = requestSigner(BENCH_ASSERTION_KEY);
    const begin = async (subject: string) => {
      const { kid, assertion, signature } = await signer.sign({
        kind: "request",
        tenant_id: tenantId,
        subject,
        email: null,
        name: null,
        key_hash: null,
        role: "viewer",
        scope: null,
        read_only: true,
        request_id: "bench-workspaces",
      });
      await api.query("SELECT * FROM app.begin_request($1, $2, $3)", [kid, assertion, signature]);
    };
    const measure = async (subject: string, statement: string) => {
      const samples: number[] = [];
      let rows = 0;
      for (let round = 0; round < ROUNDS; round++) {
        await api.query("BEGIN");
        try {
          await begin(subject);
          const { rows: plan } = await api.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`);
          const top = (plan[0] as { "QUERY PLAN": [{ "Execution Time": number; Plan: { "Actual Rows": number } }] })[
            "QUERY PLAN"
          ][0];
          samples.push(top["Execution Time"]);
          rows = top.Plan["Actual Rows"];
        } finally {
          await api.query("ROLLBACK");
        }
      }
      return { ms: samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] ?? Number.NaN, rows };
    };
    const planOf = async (subject: string, statement: string) => {
      await api.query("BEGIN");
      try {
        await begin(subject);
        const { rows } = await api.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement}`);
        return rows.map((row) => String(Object.values(row)[0]));
      } finally {
        await api.query("ROLLBACK");
      }
    };

    console.log(
      `\nworkspace policy — ${TENANTS * PER_TENANT} companies; one tenant's ${PER_TENANT} in ${WORKSPACES} workspaces; medians of ${ROUNDS} (server-side ms)`,
    );
    const results: Record<string, unknown> = {};
    const plans: Record<string, string[]> = {};
    for (const [label, statement] of Object.entries(STATEMENTS)) {
      const all = await measure("bench|owner", statement);
      const confined = await measure("bench|confined", statement);
      plans[label] = await planOf("bench|confined", statement);
      results[label] = { owner_ms: all.ms, confined_ms: confined.ms, confined_rows: confined.rows };
    }
    await owner.query("DROP POLICY companies_api_workspace ON companies");
    for (const [label, statement] of Object.entries(STATEMENTS)) {
      const baseline = await measure("bench|owner", statement);
      const row = results[label] as Record<string, number>;
      row.no_policy_ms = baseline.ms;
      console.log(
        `  ${label.padEnd(20)} no policy ${baseline.ms.toFixed(3)}  owner (policy, all) ${row.owner_ms?.toFixed(3)}  confined (1 of ${WORKSPACES}) ${row.confined_ms?.toFixed(3)}`,
      );
    }
    for (const [label, lines] of Object.entries(plans)) {
      console.log(`  EXPLAIN ANALYZE (${label}, confined member, as app_api):`);
      for (const line of lines) console.log(`    ${line}`);
    }
    return { rows: TENANTS * PER_TENANT, workspaces: WORKSPACES, results, plans };
  } finally {
    await api.end().catch(() => {});
    await owner.end().catch(() => {});
    await drop();
  }
}
