import { beforeAll, describe, expect, it } from "vitest";
import { addMember, createTenantWithMember, createUser, signedIn } from "../factories";
import { callWithEnv, problemOf, signedBegin, sqlAs } from "../harness";

/**
 * What a SQL injection or a leaked DATABASE_URL gives an attacker: raw SQL in a session of
 * app_api, without the Worker's DATABASE_ASSERTION_KEY. None of it reaches another tenant.
 */
type Tenant = Awaited<ReturnType<typeof createTenantWithMember>>;

const api = () => sqlAs("app_api");
const owner = () => sqlAs("owner");
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: { code?: string }) => error.code ?? "no code",
  );

async function companyOf(tenantId: string, name = "Victim Ltd"): Promise<string> {
  const [row] = await owner().query("INSERT INTO companies (tenant_id, name) VALUES ($1, $2) RETURNING id", [
    tenantId,
    name,
  ]);
  return row?.id as string;
}

async function contactOf(tenantId: string): Promise<void> {
  await owner().query(
    "INSERT INTO contacts (tenant_id, company_id, name, email, lawful_basis) VALUES ($1, $2, 'Vic Tim', 'vic@victim.test', 'consent')",
    [tenantId, await companyOf(tenantId)],
  );
}

async function queuedJobOf(tenantId: string): Promise<string> {
  const [row] = await owner().query(
    "INSERT INTO scrape_jobs (tenant_id, company_id, url, status) VALUES ($1, $2, 'https://victim.example', 'queued') RETURNING id",
    [tenantId, await companyOf(tenantId)],
  );
  return row?.id as string;
}

/** The claims a forger would write into the settings: tenant|user|key|role|actor|actor id|request. */
const forgedIdentity = (victim: Tenant) =>
  [victim.tenant.id, victim.user.id, "", "owner", "user", victim.user.id, "forged"].join("|");

describe("forged identity settings, as app_api", () => {
  let victim: Tenant;
  let attacker: Tenant;
  let victimCompany: string;
  beforeAll(async () => {
    victim = await createTenantWithMember("owner");
    attacker = await createTenantWithMember("owner");
    await contactOf(victim.tenant.id);
    victimCompany = await companyOf(victim.tenant.id, "Untouched Ltd");
  });

  it("the old setting names are dead: set_config('app.tenant_id') reads no contact and updates no company", async () => {
    const sql = api();
    const [, contacts, updated] = await sql.transaction([
      sql.query("SELECT set_config('app.tenant_id', $1, true), set_config('app.role', 'owner', true)", [
        victim.tenant.id,
      ]),
      sql.query("SELECT id FROM contacts"),
      sql.query("UPDATE companies SET name = 'Pwned' WHERE id = $1 RETURNING id", [victimCompany]),
    ]);
    expect(contacts).toEqual([]);
    expect(updated).toEqual([]);
  });

  it("an unsealed app.identity is refused (42501) by every reader, so no policy lets a row through", async () => {
    const sql = api();
    for (const statement of [
      "SELECT id FROM contacts",
      "SELECT id FROM companies",
      "UPDATE companies SET name = 'Pwned' RETURNING id",
      "SELECT app.tenant_id()",
    ]) {
      const code = await codeOf(
        sql.transaction([
          sql.query("SELECT set_config('app.identity', $1, true), set_config('app.identity_seal', 'AAAA', true)", [
            forgedIdentity(victim),
          ]),
          sql.query(statement),
        ]),
      );
      expect(code, statement).toBe("42501");
    }
  });

  it("a seal copied from a real request is worthless in another transaction", async () => {
    const sql = api();
    const [, stolen] = await sql.transaction([
      sql.query(...(await signedBegin({ tenantId: attacker.tenant.id, subject: attacker.user.subject }))),
      sql.query("SELECT current_setting('app.identity') AS identity, current_setting('app.identity_seal') AS seal"),
    ]);
    const { identity, seal } = (stolen ?? [])[0] as { identity: string; seal: string };
    const code = await codeOf(
      sql.transaction([
        sql.query("SELECT set_config('app.identity', $1, true), set_config('app.identity_seal', $2, true)", [
          identity,
          seal,
        ]),
        sql.query("SELECT id FROM companies"),
      ]),
    );
    expect(code).toBe("42501");
  });

  it("inside a genuine transaction, rewriting the identity to another tenant is refused", async () => {
    const sql = api();
    const code = await codeOf(
      sql.transaction([
        sql.query(
          ...(await signedBegin({ tenantId: attacker.tenant.id, subject: attacker.user.subject, role: "owner" })),
        ),
        sql.query("SELECT set_config('app.identity', $1, true)", [forgedIdentity(victim)]),
        sql.query("UPDATE companies SET name = 'Pwned' WHERE id = $1", [victimCompany]),
      ]),
    );
    expect(code).toBe("42501");
    const [row] = await owner().query("SELECT name FROM companies WHERE id = $1", [victimCompany]);
    expect(row).toEqual({ name: "Untouched Ltd" });
  });

  it("app.accept_invitation and app.create_invitation cannot be driven with a forged identity", async () => {
    const sql = api();
    const tokenHash = "ab".repeat(32);
    await owner().query(
      "INSERT INTO invitations (tenant_id, email, role, token_hash, expires_at) VALUES ($1, $2, 'admin', $3, now() + interval '1 day')",
      [victim.tenant.id, `forged-${crypto.randomUUID()}@example.test`, tokenHash],
    );
    const before = await owner().query("SELECT user_id, role FROM memberships WHERE tenant_id = $1 ORDER BY 1", [
      victim.tenant.id,
    ]);
    const withOldNames = await codeOf(
      sql.transaction([
        sql.query("SELECT set_config('app.tenant_id', $1, true), set_config('app.role', 'owner', true)", [
          victim.tenant.id,
        ]),
        sql.query("SELECT * FROM app.accept_invitation($1)", [tokenHash]),
      ]),
    );
    expect(withOldNames).toBe("DT403");
    const withNewNames = await codeOf(
      sql.transaction([
        sql.query("SELECT set_config('app.identity', $1, true)", [forgedIdentity(victim)]),
        sql.query("SELECT * FROM app.accept_invitation($1)", [tokenHash]),
      ]),
    );
    expect(withNewNames).toBe("42501");
    const invited = await codeOf(
      sql.query("SELECT * FROM app.create_invitation('x@example.test', 'admin', $1, now() + interval '1 day')", [
        "cd".repeat(32),
      ]),
    );
    expect(invited).toBe("DT403");
    const after = await owner().query("SELECT user_id, role FROM memberships WHERE tenant_id = $1 ORDER BY 1", [
      victim.tenant.id,
    ]);
    expect(after).toEqual(before);
    const [row] = await owner().query("SELECT accepted_at FROM invitations WHERE token_hash = $1", [tokenHash]);
    expect(row).toEqual({ accepted_at: null });
  });
});

describe("the audit log cannot be written in someone else's name", () => {
  it("the definer trigger functions cannot be attached to a table of the caller's own (no temp tables, no EXECUTE)", async () => {
    const sql = api();
    expect(await codeOf(sql.query("CREATE TEMP TABLE companies (id uuid, tenant_id uuid, name text)"))).toBe("42501");
    for (const fn of [
      "app.audit_row_change()",
      "app.guard_membership_change()",
      "app.record_row_event()",
      "app.emit_event(uuid,text,text,text,jsonb)",
    ]) {
      const [row] = await owner().query("SELECT has_function_privilege('app_api', $1, 'EXECUTE') AS may", [fn]);
      expect(row, fn).toEqual({ may: false });
    }
  });

  it("an entry the API writes itself names the sealed caller and request, not another actor", async () => {
    const member = await createTenantWithMember("owner");
    const stranger = await createUser();
    const sql = api();
    const forged = await codeOf(
      sql.transaction([
        sql.query(...(await signedBegin({ tenantId: member.tenant.id, subject: member.user.subject }))),
        sql.query("INSERT INTO audit_log (action, actor_type, actor_id) VALUES ('forged.read', 'user', $1)", [
          stranger.id,
        ]),
      ]),
    );
    expect(forged).toBe("42501");
    const asSystem = await codeOf(
      sql.transaction([
        sql.query(...(await signedBegin({ tenantId: member.tenant.id, subject: member.user.subject }))),
        sql.query("INSERT INTO audit_log (action, actor_type, actor_id) VALUES ('forged.read', 'system', NULL)"),
      ]),
    );
    expect(asSystem).toBe("42501");
  });
});

describe("app.begin_request believes only the Worker's signature", () => {
  let member: Tenant;
  beforeAll(async () => {
    member = await createTenantWithMember("owner");
  });

  it("accepts the Worker's signed claims", async () => {
    const rows = await api().query(
      ...(await signedBegin({ tenantId: member.tenant.id, subject: member.user.subject })),
    );
    expect(rows).toMatchObject([{ tenant_id: member.tenant.id, user_id: member.user.id, role: "owner" }]);
  });

  it("refuses claims signed with another key, edited after signing, unsigned, or under an unknown key id (DTKEY)", async () => {
    const claims = { tenantId: member.tenant.id, subject: member.user.subject };
    const [text, [kid = "", assertion = "", signature = ""]] = await signedBegin(claims);
    const [, [, , otherSignature = ""]] = await signedBegin(claims, {
      secret: "an-attackers-own-key-of-at-least-32-characters",
    });
    const edited = assertion.replace(member.user.subject, "someone|else");
    for (const [label, params] of [
      ["other key", [kid, assertion, otherSignature]],
      ["edited claims", [kid, edited, signature]],
      ["no signature", [kid, assertion, null]],
      ["unknown key id", ["0000000000000000", assertion, signature]],
    ] as const) {
      expect(await codeOf(api().query(text, [...params])), label).toBe("DTKEY");
    }
  });

  it("refuses a stale assertion, so a captured one is not valid for long", async () => {
    const claims = { tenantId: member.tenant.id, subject: member.user.subject };
    const tenMinutesAgo = () => Date.now() - 600_000;
    expect(await codeOf(api().query(...(await signedBegin(claims))))).toBe("ok");
    expect(await codeOf(api().query(...(await signedBegin(claims, { now: tenMinutesAgo }))))).toBe("DTKEY");
  });

  it("applies the Worker's deadline as the transaction's statement_timeout", async () => {
    const sql = api();
    const [, setting] = await sql.transaction([
      sql.query(
        ...(await signedBegin({ tenantId: member.tenant.id, subject: member.user.subject, statementTimeoutMs: 1500 })),
      ),
      sql.query("SELECT current_setting('statement_timeout') AS timeout"),
    ]);
    expect(setting).toEqual([{ timeout: "1500ms" }]);
  });

  it("keeps its building blocks out of the API role's reach (42501)", async () => {
    for (const statement of [
      "SELECT app.seal_identity(NULL, NULL, NULL, NULL, 'system', NULL, 'x')",
      "SELECT app.verify_assertion('k', '{}', '')",
      "SELECT * FROM app.assertion_keys",
      "SELECT * FROM app.seal_key",
    ]) {
      expect(await codeOf(api().query(statement)), statement).toBe("42501");
    }
  });

  it("a Worker whose key the database does not hold answers 500 misconfigured, never data", async () => {
    const caller = await signedIn("owner");
    const response = await callWithEnv(
      { DATABASE_ASSERTION_KEY: "a-key-the-database-has-never-seen-32+" },
      "/v1/tenant",
      {
        headers: caller.headers,
      },
    );
    expect(response.status).toBe(500);
    expect((await problemOf(response)).type).toMatch(/misconfigured$/);
  });
});

describe("import functions need the Worker's own identity", () => {
  it("claim and resume refuse a session with no identity, or a user's identity (DT403), and change nothing", async () => {
    const victim = await createTenantWithMember("owner");
    const [row] = (await owner().query("INSERT INTO imports (tenant_id, total) VALUES ($1, 1) RETURNING id", [
      victim.tenant.id,
    ])) as { id: string }[];
    const lease = crypto.randomUUID();
    const sql = api();
    for (const text of ["SELECT * FROM app.claim_import($1, $2, 300, 'x')", "SELECT app.resume_import($1, $2, 'x')"]) {
      const params = [row?.id, lease];
      expect(await codeOf(sql.query(text, params)), `${text} without identity`).toBe("DT403");
      const asUser = await codeOf(
        sql.transaction([
          sql.query(
            ...(await signedBegin({ tenantId: victim.tenant.id, subject: victim.user.subject, role: "owner" })),
          ),
          sql.query(text, params),
        ]),
      );
      expect(asUser, `${text} as a user`).toBe("DT403");
    }
    expect(await owner().query("SELECT status, lease_id FROM imports WHERE id = $1", [row?.id])).toEqual([
      { status: "queued", lease_id: null },
    ]);
  });
});

describe("scrape-job functions need the Worker's own identity", () => {
  let victim: Tenant;
  beforeAll(async () => {
    victim = await createTenantWithMember("owner");
  });

  const jobState = async (id: string) =>
    (await owner().query("SELECT status, attempts, failure_reason FROM scrape_jobs WHERE id = $1", [id]))[0];

  it("claim, resume and fail refuse a session with no identity, or a user's identity (DT403)", async () => {
    const job = await queuedJobOf(victim.tenant.id);
    const before = await jobState(job);
    const lease = crypto.randomUUID();
    const statements: [string, unknown[]][] = [
      ["SELECT * FROM app.claim_scrape_job($1, $2, 300)", [job, lease]],
      ["SELECT app.resume_scrape_job($1, $2, 'x')", [job, lease]],
      ["SELECT app.fail_dead_scrape_job($1, 'x')", [job]],
    ];
    const sql = api();
    for (const [text, params] of statements) {
      expect(await codeOf(sql.query(text, params)), `${text} without identity`).toBe("DT403");
      const asUser = await codeOf(
        sql.transaction([
          sql.query(
            ...(await signedBegin({ tenantId: victim.tenant.id, subject: victim.user.subject, role: "owner" })),
          ),
          sql.query(text, params),
        ]),
      );
      expect(asUser, `${text} as a user`).toBe("DT403");
    }
    expect(await jobState(job)).toEqual(before);
  });

  it("resume_scrape_job no longer moves a session into the job's tenant for anyone else", async () => {
    const sql = api();
    const job = await queuedJobOf(victim.tenant.id);
    const lease = crypto.randomUUID();
    // Even the Worker's identity needs the live lease: a guessed lease gets nothing (DT409).
    const code = await codeOf(
      sql.transaction([
        sql.query(...(await signedBegin({ kind: "worker" }))),
        sql.query("SELECT app.resume_scrape_job($1, $2, 'x')", [job, lease]),
        sql.query("SELECT count(*)::int AS n FROM contacts"),
      ]),
    );
    expect(code).toBe("DT409");
  });

  it("the Worker's identity claims a job and, holding the lease, works inside that job's tenant only", async () => {
    const sql = api();
    const job = await queuedJobOf(victim.tenant.id);
    const lease = crypto.randomUUID();
    const [, claimed] = await sql.transaction([
      sql.query(...(await signedBegin({ kind: "worker" }))),
      sql.query("SELECT id, tenant_id FROM app.claim_scrape_job($1, $2, 300)", [job, lease]),
    ]);
    expect(claimed).toEqual([{ id: job, tenant_id: victim.tenant.id }]);
    const [, , tenants] = await sql.transaction([
      sql.query(...(await signedBegin({ kind: "worker" }))),
      sql.query("SELECT app.resume_scrape_job($1, $2, 'x')", [job, lease]),
      sql.query("SELECT DISTINCT tenant_id FROM companies"),
    ]);
    expect(tenants).toEqual([{ tenant_id: victim.tenant.id }]);
  });
});

describe("the Worker's identity, once inside a job's tenant", () => {
  it("can no longer claim or fail another job, and a deleted tenant's job is not claimed at all", async () => {
    const a = await createTenantWithMember("owner");
    const b = await createTenantWithMember("owner");
    const sql = api();
    const job = await queuedJobOf(a.tenant.id);
    const other = await queuedJobOf(b.tenant.id);
    const lease = crypto.randomUUID();
    await sql.transaction([
      sql.query(...(await signedBegin({ kind: "worker" }))),
      sql.query("SELECT * FROM app.claim_scrape_job($1, $2, 300)", [job, lease]),
    ]);
    for (const text of [
      "SELECT * FROM app.claim_scrape_job($1, gen_random_uuid(), 300)",
      "SELECT app.fail_dead_scrape_job($1, 'x')",
    ]) {
      const code = await codeOf(
        sql.transaction([
          sql.query(...(await signedBegin({ kind: "worker" }))),
          sql.query("SELECT app.resume_scrape_job($1, $2, 'x')", [job, lease]),
          sql.query(text, [other]),
        ]),
      );
      expect(code, text).toBe("DT403");
    }
    await owner().query("UPDATE tenants SET deleted_at = now() WHERE id = $1", [b.tenant.id]);
    const [, claimed] = await sql.transaction([
      sql.query(...(await signedBegin({ kind: "worker" }))),
      sql.query("SELECT id FROM app.claim_scrape_job($1, gen_random_uuid(), 300)", [other]),
    ]);
    expect(claimed).toEqual([]);
  });
});

describe("every SECURITY DEFINER function refuses a caller without a verified identity", () => {
  it("app.external_tenant, which trusts its claims, is executable by begin_request's owner only", async () => {
    const [row] = await owner().query(
      "SELECT has_function_privilege('app_api', 'app.external_tenant(jsonb,uuid,uuid)', 'EXECUTE') AS may",
    );
    expect(row).toEqual({ may: false });
    const code = await codeOf(api().query("SELECT app.external_tenant('{}'::jsonb, NULL, NULL)"));
    expect(code).toBe("42501");
  });

  it("none is executable by PUBLIC: each names the roles that may run it", async () => {
    const rows = await owner().query(
      `SELECT p.oid::regprocedure::text AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prosecdef AND n.nspname IN ('app', 'public')
          AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0))`,
    );
    expect(rows).toEqual([]);
  });

  /** A call as app_api with no identity, and the refusal it must meet. */
  const REFUSALS: Record<
    string,
    { call: (ids: { tenant: string; user: string }) => [string, unknown[]]; code: string }
  > = {
    "accept_invitation(text)": {
      call: () => ["SELECT * FROM app.accept_invitation(repeat('a', 64))", []],
      code: "DT403",
    },
    "begin_companies_house_refresh(uuid,text)": {
      call: (ids) => ["SELECT app.begin_companies_house_refresh($1, 'x')", [ids.tenant]],
      code: "DT403",
    },
    "begin_request(text,text,text)": {
      call: () => ["SELECT * FROM app.begin_request('k', '{}', '')", []],
      code: "DTKEY",
    },
    "claim_scrape_job(uuid,uuid,integer)": {
      call: () => ["SELECT * FROM app.claim_scrape_job(gen_random_uuid(), gen_random_uuid(), 1)", []],
      code: "DT403",
    },
    // Exports (issue 17): the queue consumer's and the signed download's functions, the Worker's only.
    "claim_export_job(uuid,uuid,integer)": {
      call: () => ["SELECT * FROM app.claim_export_job(gen_random_uuid(), gen_random_uuid(), 1)", []],
      code: "DT403",
    },
    "resume_export_job(uuid,uuid,text,integer)": {
      call: () => ["SELECT app.resume_export_job(gen_random_uuid(), gen_random_uuid(), 'x', 1)", []],
      code: "DT403",
    },
    "fail_dead_export_job(uuid,text)": {
      call: () => ["SELECT app.fail_dead_export_job(gen_random_uuid(), 'x')", []],
      code: "DT403",
    },
    "record_export_download(uuid,bigint,text)": {
      call: () => ["SELECT * FROM app.record_export_download(gen_random_uuid(), 1, 'x')", []],
      code: "DT403",
    },
    "claim_import(uuid,uuid,integer,text)": {
      call: () => ["SELECT * FROM app.claim_import(gen_random_uuid(), gen_random_uuid(), 1, 'x')", []],
      code: "DT403",
    },
    "resume_import(uuid,uuid,text)": {
      call: () => ["SELECT app.resume_import(gen_random_uuid(), gen_random_uuid(), 'x')", []],
      code: "DT403",
    },
    "claim_webhook_delivery(uuid,uuid,integer)": {
      call: () => ["SELECT * FROM app.claim_webhook_delivery(gen_random_uuid(), gen_random_uuid(), 1)", []],
      code: "DT403",
    },
    "record_webhook_attempt(uuid,uuid,text,integer,integer,text,integer)": {
      call: () => [
        "SELECT * FROM app.record_webhook_attempt(gen_random_uuid(), gen_random_uuid(), 'succeeded', 200, 1, NULL, NULL)",
        [],
      ],
      code: "DT403",
    },
    "send_test_event(uuid)": {
      call: () => ["SELECT app.send_test_event(gen_random_uuid())", []],
      code: "DT403",
    },
    // Events are recorded only by trigger functions: not executable by app_api at all.
    "emit_event(uuid,text,text,text,jsonb)": {
      call: (ids) => ["SELECT app.emit_event($1, 'company.created', 'company', 'x', '{}')", [ids.tenant]],
      code: "42501",
    },
    "record_row_event()": { call: () => ["SELECT app.record_row_event()", []], code: "42501" },
    "record_import_event()": { call: () => ["SELECT app.record_import_event()", []], code: "42501" },
    "record_scrape_job_event()": { call: () => ["SELECT app.record_scrape_job_event()", []], code: "42501" },
    "record_member_event()": { call: () => ["SELECT app.record_member_event()", []], code: "42501" },
    "record_erasure_event()": { call: () => ["SELECT app.record_erasure_event()", []], code: "42501" },
    "record_company_change_event()": { call: () => ["SELECT app.record_company_change_event()", []], code: "42501" },
    "record_subscription_event()": { call: () => ["SELECT app.record_subscription_event()", []], code: "42501" },
    "create_tenant(text,text)": {
      call: () => ["SELECT * FROM app.create_tenant('forged', 'Forged')", []],
      code: "DT403",
    },
    "fail_dead_scrape_job(uuid,text)": {
      call: () => ["SELECT app.fail_dead_scrape_job(gen_random_uuid(), 'x')", []],
      code: "DT403",
    },
    // Operators (issue 14): begin_operator_request verifies its assertion; every operator function
    // needs the sealed operator identity it sets; record_security_events, the Worker's.
    "begin_operator_request(text,text,text)": {
      call: () => ["SELECT * FROM app.begin_operator_request('k', '{}', '')", []],
      code: "DTKEY",
    },
    "operator_list_tenants(text,text,text,zone,uuid,integer)": {
      call: () => ["SELECT * FROM app.operator_list_tenants(NULL, NULL, NULL, NULL, NULL, 10)", []],
      code: "DT403",
    },
    "operator_get_tenant(uuid)": { call: (ids) => ["SELECT app.operator_get_tenant($1)", [ids.tenant]], code: "DT403" },
    "operator_set_suspension(uuid,boolean,text)": {
      call: (ids) => ["SELECT app.operator_set_suspension($1, true, 'forged')", [ids.tenant]],
      code: "DT403",
    },
    "operator_set_plan(uuid,text)": {
      call: (ids) => ["SELECT app.operator_set_plan($1, 'enterprise')", [ids.tenant]],
      code: "DT403",
    },
    "operator_stats(integer)": { call: () => ["SELECT app.operator_stats(7)", []], code: "DT403" },
    "operator_audit_log(uuid,zone,uuid,integer)": {
      call: () => ["SELECT * FROM app.operator_audit_log(NULL, NULL, NULL, 10)", []],
      code: "DT403",
    },
    "operator_security_events(uuid,text,zone,uuid,integer)": {
      call: () => ["SELECT * FROM app.operator_security_events(NULL, NULL, NULL, NULL, 10)", []],
      code: "DT403",
    },
    // Feature flags and modules: without a sealed tenant the tenant's views are empty, operators' functions refuse.
    "tenant_features()": {
      call: () => ["SELECT count(*) FROM app.tenant_features() HAVING count(*) = 0", []],
      code: "ok",
    },
    "current_tenant_modules()": { call: () => ["SELECT app.current_tenant_modules() IS NULL AS none", []], code: "ok" },
    "operator_list_flags()": { call: () => ["SELECT * FROM app.operator_list_flags()", []], code: "DT403" },
    "operator_get_flag(text)": { call: () => ["SELECT app.operator_get_flag('x')", []], code: "DT403" },
    "operator_create_flag(jsonb)": {
      call: () => [`SELECT app.operator_create_flag('{"key": "forged"}')`, []],
      code: "DT403",
    },
    "operator_update_flag(text,jsonb)": {
      call: () => [`SELECT app.operator_update_flag('forged', '{"rollout_percentage": 100}')`, []],
      code: "DT403",
    },
    "operator_delete_flag(text)": { call: () => ["SELECT app.operator_delete_flag('forged')", []], code: "DT403" },
    "operator_set_flag_override(text,uuid,jsonb,text)": {
      call: (ids) => ["SELECT app.operator_set_flag_override('forged', $1, 'true', 'x')", [ids.tenant]],
      code: "DT403",
    },
    "operator_delete_flag_override(text,uuid)": {
      call: (ids) => ["SELECT app.operator_delete_flag_override('forged', $1)", [ids.tenant]],
      code: "DT403",
    },
    "operator_set_tenant_module(uuid,text,boolean,text)": {
      call: (ids) => ["SELECT app.operator_set_tenant_module($1, 'web_scrape', true, 'x')", [ids.tenant]],
      code: "DT403",
    },
    "record_security_events(jsonb)": {
      call: (ids) => [
        `SELECT app.record_security_events(jsonb_build_array(jsonb_build_object('tenant_id', $1::text,
           'kind', 'forbidden', 'reason', 'forged', 'count', 1, 'first_seen_at', now(), 'last_seen_at', now())))`,
        [ids.tenant],
      ],
      code: "DT403",
    },
    "apply_stripe_event(text,text,bigint,jsonb,text,integer)": {
      call: (ids) => [
        "SELECT * FROM app.apply_stripe_event('evt_forged', 'customer.subscription.updated', 1, $1, 'enterprise', 0)",
        [JSON.stringify({ status: "active", metadata: { tenant_id: ids.tenant } })],
      ],
      code: "DT403",
    },
    "usage_report(uuid)": { call: () => ["SELECT * FROM app.usage_report(gen_random_uuid())", []], code: "DT403" },
    "mark_usage_reported(uuid)": {
      call: () => ["SELECT app.mark_usage_reported(gen_random_uuid())", []],
      code: "DT403",
    },
    "meter(text,bigint)": { call: () => ["SELECT app.meter('scrape_jobs', 1)", []], code: "DT403" },
    "record_api_requests(uuid,uuid,date,bigint)": {
      call: (ids) => [
        "SELECT * FROM app.record_api_requests(gen_random_uuid(), $1, current_date, 1000000)",
        [ids.tenant],
      ],
      code: "DT403",
    },
    "identity()": { call: () => ["SELECT app.identity() IS NULL AS none", []], code: "ok" },
    "restore_tenant(uuid)": { call: (ids) => ["SELECT * FROM app.restore_tenant($1)", [ids.tenant]], code: "DT403" },
    "resume_scrape_job(uuid,uuid,text)": {
      call: () => ["SELECT app.resume_scrape_job(gen_random_uuid(), gen_random_uuid(), 'x')", []],
      code: "DT403",
    },
    "seal_identity(uuid,uuid,uuid,text,text,uuid,text)": {
      call: (ids) => ["SELECT app.seal_identity($1, NULL, NULL, 'owner', 'user', NULL, 'x')", [ids.tenant]],
      code: "42501",
    },
    "verify_assertion(text,text,text)": {
      call: () => ["SELECT app.verify_assertion('k', '{}', '')", []],
      code: "42501",
    },
    // Trigger functions, not executable by app_api at all (so not attachable to a table of its own).
    "audit_row_change()": { call: () => ["SELECT app.audit_row_change()", []], code: "42501" },
    "guard_membership_change()": { call: () => ["SELECT app.guard_membership_change()", []], code: "42501" },
    "skip_audit_of_purged_tenant()": { call: () => ["SELECT app.skip_audit_of_purged_tenant()", []], code: "42501" },
  };

  it("covers every SECURITY DEFINER function in the database (a new one must join this list)", async () => {
    const rows = await owner().query(
      `SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prosecdef AND n.nspname IN ('app', 'public')`,
    );
    const normalise = (signature: string) => signature.replace(/\b[a-z_]+ (?=[a-z])/g, "").replace(/, /g, ",");
    expect(rows.map((row) => normalise(row.signature as string)).sort()).toEqual(Object.keys(REFUSALS).sort());
  });

  it.each(Object.keys(REFUSALS))("%s", async (signature) => {
    const victim = await createTenantWithMember("owner");
    const extra = await createUser();
    await addMember(victim.tenant.id, extra.id, "viewer");
    const refusal = REFUSALS[signature];
    if (!refusal) throw new Error(signature);
    const before = await owner().query("SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1", [
      victim.tenant.id,
    ]);
    const [text, params] = refusal.call({ tenant: victim.tenant.id, user: extra.id });
    expect(await codeOf(api().query(text, params))).toBe(refusal.code);
    expect(
      await owner().query("SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1", [victim.tenant.id]),
    ).toEqual(before);
  });
});
