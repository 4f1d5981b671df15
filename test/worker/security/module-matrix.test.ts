import { beforeAll, describe, expect, it } from "vitest";
import { MODULES } from "../../../src/billing/catalogue";
import { createOperatorKey, createTenant, signedIn } from "../factories";
import { call, problemOf, sendAs, sqlAs } from "../harness";

interface Operation {
  method: string;
  path: string;
  operationId: string;
  module: string;
  hasBody: boolean;
}

/** Every operation of the document that names a module (`x-module`, set by v1Access). */
async function moduleOperations(): Promise<Operation[]> {
  const document = (await (await call("/openapi.json")).json()) as {
    paths: Record<string, Record<string, { operationId: string; "x-module"?: string; requestBody?: unknown }>>;
  };
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => typeof op === "object" && op !== null && typeof op["x-module"] === "string")
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        module: op["x-module"] as string,
        hasBody: op.requestBody !== undefined,
      })),
  );
}

/** Valid bodies for the module operations that take one, so that only the module can refuse them. */
const BODIES: Record<string, unknown> = {
  importCompanyFromCompaniesHouse: { company_number: "SC000001" },
  bulkAddCompanies: { company_numbers: ["00000001"] },
  createWebhookEndpoint: { url: "https://hooks.example.com/modules", enabled_events: ["*"] },
  updateWebhookEndpoint: { url: "https://hooks.example.com/changed" },
  createExport: { format: "csv" },
  createImport: { company_numbers: ["00000001"] },
};

/** Path parameters: well-formed ids nobody has; the module check comes before any lookup. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, () => crypto.randomUUID());

async function request(member: { headers: Record<string, string> }, op: Operation) {
  return sendAs(member, op.method, concrete(op.path), op.hasBody ? BODIES[op.operationId] : undefined);
}

/** What a tenant holds, to prove a refused request changed nothing (audit rows, usage, jobs, endpoints, companies, exports, imports). */
async function snapshotOf(tenantId: string) {
  const [row] = await sqlAs("owner").query(
    `SELECT (SELECT count(*) FROM audit_log WHERE tenant_id = $1)::int AS audit,
            (SELECT coalesce(sum(used), 0) FROM usage WHERE tenant_id = $1 AND metric <> 'api_requests')::int AS usage,
            (SELECT count(*) FROM scrape_jobs WHERE tenant_id = $1)::int AS jobs,
            (SELECT count(*) FROM webhook_endpoints WHERE tenant_id = $1)::int AS endpoints,
            (SELECT count(*) FROM companies WHERE tenant_id = $1)::int AS companies,
            (SELECT count(*) FROM export_jobs WHERE tenant_id = $1)::int AS exports,
            (SELECT count(*) FROM imports WHERE tenant_id = $1)::int AS imports`,
    [tenantId],
  );
  return row;
}

describe("module refusal matrix (derived from x-module)", () => {
  let operations: Operation[];
  let operator: Awaited<ReturnType<typeof createOperatorKey>>;
  beforeAll(async () => {
    operations = await moduleOperations();
    operator = await createOperatorKey();
  });

  it("finds the module routes, each naming a module of the catalogue, with a body where one is needed", async () => {
    expect(operations.length).toBeGreaterThanOrEqual(19);
    const catalogue = (await sqlAs("owner").query("SELECT id FROM modules ORDER BY position")).map((r) => r.id);
    expect(catalogue).toEqual([...MODULES]);
    for (const op of operations) {
      expect(catalogue, op.operationId).toContain(op.module);
      if (op.hasBody) expect(BODIES[op.operationId], `a body for ${op.operationId}`).toBeDefined();
    }
    // The plans' module lists name catalogue modules only.
    const unknown = await sqlAs("owner").query(
      "SELECT p.id, x FROM plans p, unnest(p.modules) x WHERE x NOT IN (SELECT id FROM modules)",
    );
    expect(unknown).toEqual([]);
  });

  it("says which module an operation needs in its description", async () => {
    const document = (await (await call("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { description?: string }>>;
    };
    for (const op of operations) {
      expect(document.paths[op.path]?.[op.method.toLowerCase()]?.description).toContain(`\`${op.module}\` module`);
    }
  });

  it("refuses a tenant lacking the module with 403 module_disabled naming it, and changes nothing", async () => {
    // Free has companies_house and register; an operator's override withholds those.
    const tenant = await createTenant({ modules: "plan" });
    const owner = await signedIn("owner", tenant);
    for (const module of ["companies_house", "register"]) {
      const off = await sendAs(operator, "PUT", `/internal/tenants/${tenant.id}/modules/${module}`, {
        enabled: false,
        reason: "module matrix",
      });
      expect(off.status).toBe(200);
    }
    const before = await snapshotOf(tenant.id);
    for (const op of operations) {
      const response = await request(owner, op);
      expect(response.status, `${op.method} ${op.path}`).toBe(403);
      const problem = await problemOf(response);
      expect(problem.type, op.operationId).toBe("https://detecktiv.co.uk/problems/module_disabled");
      expect(problem.module, op.operationId).toBe(op.module);
      expect(problem.detail).toContain(op.module);
    }
    expect(await snapshotOf(tenant.id)).toEqual(before);
  });

  it("lets a tenant whose plan includes the module through", async () => {
    const owner = await signedIn("owner", await createTenant({ plan: "pro", modules: "plan" }));
    for (const op of operations) {
      const response = await request(owner, op);
      expect(response.status, `${op.method} ${op.path}`).not.toBe(403);
      expect(await response.text()).not.toContain("module_disabled");
    }
  });

  it("lets a free tenant with an operator's override through, from its next request on", async () => {
    const tenant = await createTenant({ modules: "plan" });
    const owner = await signedIn("owner", tenant);
    const needing = operations.filter((op) => !["companies_house", "register"].includes(op.module));
    for (const module of new Set(needing.map((op) => op.module))) {
      const sample = needing.find((op) => op.module === module) as Operation;
      expect((await request(owner, sample)).status).toBe(403);
      const on = await sendAs(operator, "PUT", `/internal/tenants/${tenant.id}/modules/${module}`, {
        enabled: true,
        reason: "trial",
      });
      expect(on.status).toBe(200);
      expect(((await on.json()) as { modules: string[] }).modules).toContain(module);
    }
    for (const op of needing) {
      expect(await (await request(owner, op)).text(), `${op.method} ${op.path}`).not.toContain("module_disabled");
    }
  });
});
