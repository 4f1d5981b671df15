import { NeonDbError } from "@neondatabase/serverless";
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, createTenantWithMember, createUser } from "../factories";
import { signedBegin, sqlAs } from "../harness";

/** Isolation at the SQL level, as the Worker's own role, with no WHERE clause to help. */
describe("row-level security as app_api", () => {
  let a: Awaited<ReturnType<typeof createTenantWithMember>>;
  let b: Awaited<ReturnType<typeof createTenantWithMember>>;
  const api = () => sqlAs("app_api");
  const begin = async (tenantId: string, subject: string, role = "viewer") =>
    api().query(...(await signedBegin({ tenantId, subject, role, requestId: "rls-test" })));

  beforeAll(async () => {
    a = await createTenantWithMember("owner");
    b = await createTenantWithMember("editor");
  });

  it("sees nothing at all without an identity", async () => {
    for (const table of ["tenants", "users", "memberships", "audit_log"]) {
      const rows = await api().query(`SELECT count(*)::int AS n FROM ${table}`);
      expect(rows, table).toEqual([{ n: 0 }]);
    }
  });

  it("sees exactly its own tenant after begin_request, even with no tenant filter", async () => {
    const sql = api();
    const [identity, tenants, memberships] = await sql.transaction([
      sql.query(...(await signedBegin({ tenantId: a.tenant.id, subject: a.user.subject }))),
      sql.query("SELECT id FROM tenants"),
      sql.query("SELECT tenant_id FROM memberships"),
    ]);
    expect(identity).toEqual([
      {
        tenant_id: a.tenant.id,
        user_id: a.user.id,
        api_key_id: null,
        role: "owner",
        plan: "free",
        rate_per_minute: 120,
        rate_burst: 60,
      },
    ]);
    expect(tenants).toEqual([{ id: a.tenant.id }]);
    expect(memberships).toEqual([{ tenant_id: a.tenant.id }]);
  });

  it("cannot write a row into another tenant", async () => {
    const sql = api();
    const outsider = await createUser();
    await expect(
      sql.transaction([
        sql.query(...(await signedBegin({ tenantId: a.tenant.id, subject: a.user.subject, role: "admin" }))),
        sql.query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'viewer')", [
          b.tenant.id,
          outsider.id,
        ]),
      ]),
    ).rejects.toMatchObject({ code: "42501" });
  });

  it("keeps the audit log append-only", async () => {
    const sql = api();
    const [, inserted] = await sql.transaction([
      sql.query(...(await signedBegin({ tenantId: a.tenant.id, subject: a.user.subject, requestId: "rls-audit" }))),
      sql.query(
        "INSERT INTO audit_log (action) VALUES ('test.read') RETURNING tenant_id, actor_type, actor_id, request_id",
      ),
    ]);
    // Tenant, actor and request id come from the identity, not from the statement.
    expect(inserted).toEqual([
      { tenant_id: a.tenant.id, actor_type: "user", actor_id: a.user.id, request_id: "rls-audit" },
    ]);
    await expect(
      sql.transaction([
        sql.query(
          ...(await signedBegin({
            tenantId: a.tenant.id,
            subject: a.user.subject,
            role: "owner",
            requestId: "rls-audit",
          })),
        ),
        sql.query("DELETE FROM audit_log"),
      ]),
    ).rejects.toMatchObject({ code: "42501" });
  });

  it("refuses a tenant the user does not belong to as not found (DT404)", async () => {
    const error = await begin(b.tenant.id, a.user.subject).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({ code: "DT404" });
  });

  it("refuses an unknown user and an unknown tenant alike (DT404)", async () => {
    await expect(begin(a.tenant.id, `nobody|${crypto.randomUUID()}`)).rejects.toMatchObject({ code: "DT404" });
    await expect(begin(crypto.randomUUID(), a.user.subject)).rejects.toMatchObject({ code: "DT404" });
  });

  it("refuses a role below the one required (DT403)", async () => {
    await expect(begin(b.tenant.id, b.user.subject, "admin")).rejects.toMatchObject({ code: "DT403" });
    await expect(begin(b.tenant.id, b.user.subject, "editor")).resolves.toHaveLength(1);
  });

  it("sees a removed member lose access on the very next request", async () => {
    const member = await createUser();
    await addMember(a.tenant.id, member.id, "viewer");
    await expect(begin(a.tenant.id, member.subject)).resolves.toHaveLength(1);
    await sqlAs("owner").query("DELETE FROM memberships WHERE user_id = $1", [member.id]);
    await expect(begin(a.tenant.id, member.subject)).rejects.toMatchObject({ code: "DT404" });
  });

  it("does not leak the identity into the next round trip", async () => {
    await begin(a.tenant.id, a.user.subject);
    const rows = await api().query("SELECT app.tenant_id() AS tenant, count(*)::int AS n FROM tenants");
    expect(rows).toEqual([{ tenant: null, n: 0 }]);
  });

  it("cannot bypass RLS and owns no table", async () => {
    const [role] = await api().query(
      "SELECT rolsuper, rolbypassrls, (SELECT count(*)::int FROM pg_tables WHERE tableowner = current_user) AS owned FROM pg_roles WHERE rolname = current_user",
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });
});

/** Every table that holds tenant data, with a row it may insert; a new table must be added here. */
/** Fixtures made by the owner role (which RLS does not bind). */
async function ownerCompany(tenantId: string): Promise<string> {
  const [company] = await sqlAs("owner").query(
    "INSERT INTO companies (tenant_id, name) VALUES ($1, 'Scrape Host Ltd') RETURNING id",
    [tenantId],
  );
  return company?.id as string;
}

async function ownerJob(tenantId: string): Promise<string> {
  const [job] = await sqlAs("owner").query(
    "INSERT INTO scrape_jobs (tenant_id, company_id, url, status) VALUES ($1, $2, 'https://raw.example', 'succeeded') RETURNING id",
    [tenantId, await ownerCompany(tenantId)],
  );
  return job?.id as string;
}

async function ownerExport(tenantId: string): Promise<string> {
  const [exported] = await sqlAs("owner").query(
    "INSERT INTO export_jobs (tenant_id, format, row_count) VALUES ($1, 'csv', 1) RETURNING id",
    [tenantId],
  );
  return exported?.id as string;
}

async function ownerImport(tenantId: string): Promise<string> {
  const [row] = await sqlAs("owner").query("INSERT INTO imports (tenant_id, total) VALUES ($1, 1) RETURNING id", [
    tenantId,
  ]);
  return row?.id as string;
}

async function ownerWorkspace(tenantId: string): Promise<string> {
  const [workspace] = await sqlAs("owner").query(
    "INSERT INTO workspaces (tenant_id, name) VALUES ($1, $2) RETURNING id",
    [tenantId, `Territory ${crypto.randomUUID()}`],
  );
  return workspace?.id as string;
}

async function ownerRun(): Promise<string> {
  const [run] = await sqlAs("owner").query("INSERT INTO maintenance_runs (job) VALUES ('maintenance') RETURNING id");
  return run?.id as string;
}

/** Tables the API role cannot write: their rows are made by the owner role. */
const WRITTEN_BY_OTHERS = new Set([
  "maintenance_run_counts",
  "subscriptions",
  "usage",
  "usage_reports",
  "invoices",
  "events",
  "webhook_deliveries",
  "security_events",
]);

async function ownerEndpoint(tenantId: string): Promise<string> {
  const [endpoint] = await sqlAs("owner").query(
    `INSERT INTO webhook_endpoints (id, tenant_id, url, enabled_events, secret, enabled)
     VALUES (gen_random_uuid(), $1, 'https://hooks.example.com/raw', '{*}', 'v1:x:x', false) RETURNING id`,
    [tenantId],
  );
  return endpoint?.id as string;
}

/** Platform tables that name a tenant but are none of its data: app_api has no privilege on them at all. */
const PLATFORM_TABLES = ["platform_audit_log", "tenant_modules", "tenant_feature_flags"];

const TENANT_TABLES: Record<
  string,
  (tenantId: string, userId: string) => [string, unknown[]] | Promise<[string, unknown[]]>
> = {
  memberships: (tenantId, userId) => [
    "INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'viewer')",
    [tenantId, userId],
  ],
  api_keys: (tenantId) => [
    "INSERT INTO api_keys (tenant_id, name, prefix, key_hash, role) VALUES ($1, 'x', 'dtk_x', $2, 'viewer')",
    [tenantId, `${crypto.randomUUID()}${crypto.randomUUID()}`.replace(/-/g, "")],
  ],
  audit_log: (tenantId) => ["INSERT INTO audit_log (tenant_id, action) VALUES ($1, 'forged')", [tenantId]],
  companies: (tenantId) => ["INSERT INTO companies (tenant_id, name) VALUES ($1, 'Raw SQL Ltd')", [tenantId]],
  contacts: async (tenantId) => {
    // A company of that tenant, made by the owner role (which RLS does not bind).
    const [company] = await sqlAs("owner").query(
      "INSERT INTO companies (tenant_id, name) VALUES ($1, 'Contact Host Ltd') RETURNING id",
      [tenantId],
    );
    return [
      "INSERT INTO contacts (tenant_id, company_id, name, lawful_basis) VALUES ($1, $2, 'Raw Person', 'consent')",
      [tenantId, company?.id],
    ];
  },
  scrape_jobs: async (tenantId) => [
    "INSERT INTO scrape_jobs (tenant_id, company_id, url, status) VALUES ($1, $2, 'https://raw.example', 'failed')",
    [tenantId, await ownerCompany(tenantId)],
  ],
  imports: (tenantId) => ["INSERT INTO imports (tenant_id, total) VALUES ($1, 1)", [tenantId]],
  import_rows: async (tenantId) => [
    "INSERT INTO import_rows (tenant_id, import_id, row_number, input, status) VALUES ($1, $2, 1, 'x', 'failed')",
    [tenantId, await ownerImport(tenantId)],
  ],
  scrape_pages: async (tenantId) => [
    "INSERT INTO scrape_pages (tenant_id, job_id, url, outcome) VALUES ($1, $2, 'https://raw.example', 'fetched')",
    [tenantId, await ownerJob(tenantId)],
  ],
  company_signals: async (tenantId) => {
    const job = await ownerJob(tenantId);
    const [row] = await sqlAs("owner").query("SELECT company_id FROM scrape_jobs WHERE id = $1", [job]);
    return [
      `INSERT INTO company_signals (tenant_id, company_id, job_id, kind, name, data, source_url, fetched_at)
       VALUES ($1, $2, $3, 'web_profile', 'web_profile', '{}', 'https://raw.example', now())`,
      [tenantId, row?.company_id, job],
    ];
  },
  company_changes: async (tenantId) => [
    "INSERT INTO company_changes (tenant_id, company_id, type) VALUES ($1, $2, 'status_changed')",
    [tenantId, await ownerCompany(tenantId)],
  ],
  retention_policies: (tenantId) => [
    "INSERT INTO retention_policies (tenant_id, audit_log_days) VALUES ($1, 500)",
    [tenantId],
  ],
  erasure_receipts: (tenantId) => [
    "INSERT INTO erasure_receipts (tenant_id, subject_hash, subject_kind, counts) VALUES ($1, 'h', 'email', '{}')",
    [tenantId],
  ],
  suppressed_subjects: (tenantId) => [
    "INSERT INTO suppressed_subjects (tenant_id, subject_hash) VALUES ($1, $2)",
    [tenantId, crypto.randomUUID()],
  ],
  // Written by the trigger functions only: the API role may read its own, never insert (42501).
  events: (tenantId) => [
    "INSERT INTO events (tenant_id, type, resource_type, data) VALUES ($1, 'company.created', 'company', '{}')",
    [tenantId],
  ],
  webhook_endpoints: (tenantId) => [
    `INSERT INTO webhook_endpoints (id, tenant_id, url, enabled_events, secret, enabled)
     VALUES (gen_random_uuid(), $1, 'https://hooks.example.com/raw', '{*}', 'v1:x:x', false)`,
    [tenantId],
  ],
  webhook_deliveries: async (tenantId) => {
    const [event] = await sqlAs("owner").query(
      "INSERT INTO events (tenant_id, type, resource_type, data) VALUES ($1, 'webhook.test', 'x', '{}') RETURNING id",
      [tenantId],
    );
    return [
      "INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, status) VALUES ($1, $2, $3, 'failed')",
      [tenantId, await ownerEndpoint(tenantId), event?.id],
    ];
  },
  // Written by the cron only: the API role may read its own, never insert (refused: 42501).
  security_events: (tenantId) => [
    "INSERT INTO security_events (tenant_id, kind, reason, count, first_seen_at, last_seen_at) VALUES ($1, 'forbidden', 'raw', 1, now(), now())",
    [tenantId],
  ],
  maintenance_run_counts: async (tenantId) => [
    "INSERT INTO maintenance_run_counts (run_id, tenant_id, data_class, rows) VALUES ($1, $2, 'x', 1)",
    [await ownerRun(), tenantId],
  ],
  invitations: (tenantId) => [
    "INSERT INTO invitations (tenant_id, email, role, token_hash, expires_at) VALUES ($1, $2, 'viewer', $3, now() + interval '1 day')",
    [
      tenantId,
      `raw-${crypto.randomUUID()}@example.test`,
      `${crypto.randomUUID()}${crypto.randomUUID()}`.replace(/-/g, ""),
    ],
  ],
  tenant_identity_providers: (tenantId) => [
    "INSERT INTO tenant_identity_providers (tenant_id, issuer, organization_id) VALUES ($1, $2, $3)",
    [tenantId, `https://${crypto.randomUUID()}.example/`, `org_${crypto.randomUUID()}`],
  ],
  workspaces: (tenantId) => [
    "INSERT INTO workspaces (tenant_id, name) VALUES ($1, $2)",
    [tenantId, `Raw ${crypto.randomUUID()}`],
  ],
  workspace_members: async (tenantId, userId) => {
    await sqlAs("owner").query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'viewer')", [
      tenantId,
      userId,
    ]);
    return [
      "INSERT INTO workspace_members (tenant_id, workspace_id, user_id) VALUES ($1, $2, $3)",
      [tenantId, await ownerWorkspace(tenantId), userId],
    ];
  },
  workspace_companies: async (tenantId) => [
    "INSERT INTO workspace_companies (tenant_id, workspace_id, company_id) VALUES ($1, $2, $3)",
    [tenantId, await ownerWorkspace(tenantId), await ownerCompany(tenantId)],
  ],
  // Billing: written by the definer functions (metering, Stripe's webhooks) only; read by the tenant.
  subscriptions: (tenantId) => ["INSERT INTO subscriptions (tenant_id, status) VALUES ($1, 'active')", [tenantId]],
  usage: (tenantId) => [
    "INSERT INTO usage (tenant_id, metric, period, starts_on, used) VALUES ($1, 'scrape_jobs', 'day', current_date, 1)",
    [tenantId],
  ],
  usage_reports: (tenantId) => [
    "INSERT INTO usage_reports (id, tenant_id, metric, day, value) VALUES (gen_random_uuid(), $1, 'api_requests', current_date, 1)",
    [tenantId],
  ],
  invoices: (tenantId) => [
    `INSERT INTO invoices (id, tenant_id, status, amount_due, amount_paid, currency, created_at, stripe_state_at)
     VALUES ($2, $1, 'paid', 100, 100, 'gbp', now(), now())`,
    [tenantId, `in_${crypto.randomUUID()}`],
  ],
  idempotency_keys: (tenantId) => [
    "INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES ($1, $2, 'x')",
    [tenantId, crypto.randomUUID()],
  ],
  export_jobs: (tenantId) => [
    "INSERT INTO export_jobs (tenant_id, format, row_count) VALUES ($1, 'ndjson', 0)",
    [tenantId],
  ],
  export_companies: async (tenantId) => [
    "INSERT INTO export_companies (tenant_id, export_id, position, company_id) VALUES ($1, $2, 1, $3)",
    [tenantId, await ownerExport(tenantId), await ownerCompany(tenantId)],
  ],
};

describe("every tenant table, in raw SQL as app_api", () => {
  let a: Awaited<ReturnType<typeof createTenantWithMember>>;
  let b: Awaited<ReturnType<typeof createTenantWithMember>>;
  beforeAll(async () => {
    a = await createTenantWithMember("owner");
    b = await createTenantWithMember("owner");
  });

  it("lists every table with a tenant_id column", async () => {
    const rows = await sqlAs("owner").query(
      "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1",
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual([...Object.keys(TENANT_TABLES), ...PLATFORM_TABLES].sort());
  });

  it.each(PLATFORM_TABLES)("%s: the API role can neither read nor write it, whatever its identity", async (table) => {
    const sql = sqlAs("app_api");
    const begin = await signedBegin({ tenantId: a.tenant.id, subject: a.user.subject, role: "owner" });
    const code = await sql.transaction([sql.query(...begin), sql.query(`SELECT * FROM ${table}`)]).then(
      () => "ok",
      (error: { code?: string }) => error.code,
    );
    expect(code).toBe("42501");
  });

  it.each(Object.keys(TENANT_TABLES))(
    "%s: SELECT * shows only the identity's tenant; INSERT for another is refused",
    async (table) => {
      const sql = sqlAs("app_api");
      // The signature is made first: sql.query() must go into the transaction unawaited.
      const begin = async (tenantId: string, subject: string) =>
        signedBegin({ tenantId, subject, role: "owner", requestId: "rls-table" });
      // Make sure both tenants have rows in the table.
      const own = TENANT_TABLES[table];
      if (!own) throw new Error(table);
      for (const t of [a, b]) {
        const extra = await createUser();
        const [text, params] = await own(t.tenant.id, extra.id);
        if (WRITTEN_BY_OTHERS.has(table)) await sqlAs("owner").query(text, params);
        else await sql.transaction([sql.query(...(await begin(t.tenant.id, t.user.subject))), sql.query(text, params)]);
      }
      const [, rows = []] = await sql.transaction([
        sql.query(...(await begin(a.tenant.id, a.user.subject))),
        sql.query(`SELECT tenant_id FROM ${table}`),
      ]);
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.tenant_id))).toEqual(new Set([a.tenant.id]));

      expect(await sql.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);

      const stranger = await createUser();
      const [text, params] = await own(b.tenant.id, stranger.id);
      const refused = await sql
        .transaction([sql.query(...(await begin(a.tenant.id, a.user.subject))), sql.query(text, params)])
        .then(
          () => null,
          (error: { code?: string }) => error.code,
        );
      // The policy's WITH CHECK (42501); for contacts the same-tenant company check runs first (23503).
      expect(["42501", "23503"]).toContain(refused);
    },
  );
});

describe("app.company_name_search (the similar-name search view)", () => {
  it("shows the caller's own live companies only, and nothing without an identity", async () => {
    const a = await createTenantWithMember("owner");
    const b = await createTenantWithMember("owner");
    const owner = sqlAs("owner");
    const [mine] = (await owner.query("INSERT INTO companies (tenant_id, name) VALUES ($1, 'Mine Ltd') RETURNING id", [
      a.tenant.id,
    ])) as { id: string }[];
    await owner.query("INSERT INTO companies (tenant_id, name, deleted_at) VALUES ($1, 'Mine Deleted', now())", [
      a.tenant.id,
    ]);
    await owner.query("INSERT INTO companies (tenant_id, name) VALUES ($1, 'Theirs Ltd')", [b.tenant.id]);
    const sql = sqlAs("app_api");
    const [, rows] = await sql.transaction([
      sql.query(...(await signedBegin({ tenantId: a.tenant.id, subject: a.user.subject, readOnly: true }))),
      sql.query("SELECT id, name_key FROM app.company_name_search"),
    ]);
    expect(rows).toEqual([{ id: mine?.id, name_key: "mine ltd" }]);
    expect(await sql.query("SELECT count(*)::int AS n FROM app.company_name_search")).toEqual([{ n: 0 }]);
  });
});
