/**
 * What the restore drill writes before the backup and checks after the restore, in direct SQL
 * on a real PostgreSQL (pg driver, superuser or the API's own login role).
 */
import pg from "pg";

export interface SeededTenant {
  id: string;
  ownerSubject: string;
  companyIds: string[];
}

/** Query as the given connection string, then close. */
export async function withClient<T>(connectionString: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  // A connection ended by the server (the drill dropping its databases WITH (FORCE) while a check
  // still runs) fails the pending query; without a listener it would also crash the process
  // before the remaining cleanup.
  client.on("error", () => {});
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * A tenant with an owner and `companies` companies, each with a contact; one finished scrape job
 * with a page and a signal; an API key, an idempotency record and a retention policy. Written as
 * the owner, as an operator seeds; the audit triggers add their rows.
 */
export async function seedTenant(client: pg.Client, slug: string, companies: number): Promise<SeededTenant> {
  const one = async (text: string, values: unknown[]) => {
    const { rows } = await client.query<{ id: string }>(text, values);
    if (!rows[0]) throw new Error(`seeding ${slug}: no row from ${text.slice(0, 40)}`);
    return rows;
  };
  await client.query("BEGIN");
  try {
    const [tenant] = await one("INSERT INTO tenants (slug, name, plan) VALUES ($1, $2, 'pro') RETURNING id", [
      slug,
      `Drill ${slug}`,
    ]);
    const tenantId = tenant?.id as string;
    const ownerSubject = `drill|${slug}-owner`;
    const [user] = await one("INSERT INTO users (subject, email, name) VALUES ($1, $2, 'Drill Owner') RETURNING id", [
      ownerSubject,
      `owner@${slug}.drill.test`,
    ]);
    await client.query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')", [
      tenantId,
      user?.id,
    ]);
    const companyRows = await one(
      `INSERT INTO companies (tenant_id, name, company_number, source, sic_codes, registered_office)
       SELECT $1, $2 || ' Systems ' || g || ' Ltd', upper(substr(md5($2 || g), 1, 8)), 'manual', ARRAY['62012'],
              jsonb_build_object('postal_code', 'EC1A ' || g || 'BB')
         FROM generate_series(1, $3::int) g
       RETURNING id`,
      [tenantId, slug, companies],
    );
    await client.query(
      `INSERT INTO contacts (tenant_id, company_id, name, job_title, email, lawful_basis, source)
       SELECT tenant_id, id, 'Contact ' || left(id::text, 8), 'CTO', left(id::text, 8) || '@' || $2 || '.drill.test',
              'legitimate_interests', 'manual'
         FROM companies WHERE tenant_id = $1`,
      [tenantId, slug],
    );
    const [job] = await one(
      `INSERT INTO scrape_jobs (tenant_id, company_id, url, status, attempts, pages_fetched, requested_by, finished_at)
       VALUES ($1, $2, 'https://' || $3 || '.drill.test/', 'succeeded', 1, 1, $4, now()) RETURNING id`,
      [tenantId, companyRows[0]?.id, slug, user?.id],
    );
    await client.query(
      `INSERT INTO scrape_pages (tenant_id, job_id, url, outcome, http_status, content_type, bytes)
       VALUES ($1, $2, 'https://' || $3 || '.drill.test/', 'fetched', 200, 'text/html', 1234)`,
      [tenantId, job?.id, slug],
    );
    await client.query(
      `INSERT INTO company_signals (tenant_id, company_id, job_id, kind, name, category, confidence, data, source_url, fetched_at)
       VALUES ($1, $2, $3, 'technology', 'Cloudflare', 'cdn', 90, '{"evidence":"header"}', 'https://' || $4 || '.drill.test/', now())`,
      [tenantId, companyRows[0]?.id, job?.id, slug],
    );
    await client.query(
      `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, role, scopes, created_by)
       VALUES ($1, 'drill key', 'dk_' || left(md5($2), 8), encode(sha256(convert_to($2, 'UTF8')), 'hex'), 'viewer',
               ARRAY['companies:read'], $3)`,
      [tenantId, slug, user?.id],
    );
    await client.query(
      `INSERT INTO idempotency_keys (tenant_id, key, request_hash, status, response)
       VALUES ($1, 'drill-' || $2, md5($2), 201, '{"ok":true}')`,
      [tenantId, slug],
    );
    await client.query("INSERT INTO retention_policies (tenant_id, audit_log_days) VALUES ($1, 400)", [tenantId]);
    await client.query("COMMIT");
    return { id: tenantId, ownerSubject, companyIds: companyRows.map((row) => row.id) };
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

const APP_SCHEMAS = "('public', 'app', 'drizzle')";

/** Exact row count of every table in the app's schemas, by qualified name. */
export async function tableCounts(client: pg.Client): Promise<Map<string, number>> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ${APP_SCHEMAS} AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  const counts = new Map<string, number>();
  for (const { name } of tables) {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
    counts.set(name, rows[0]?.n ?? -1);
  }
  return counts;
}

/**
 * The security-relevant catalog, as comparable text: per table its owner, grants and RLS flags;
 * every policy; per function its owner, SECURITY DEFINER flag, settings and grants; per view its
 * owner and grants; sequence positions. Two databases with the same fingerprint enforce the
 * same rules.
 */
export async function securityCatalog(client: pg.Client): Promise<Record<string, string[]>> {
  const list = async (text: string) => (await client.query<{ line: string }>(text)).rows.map((row) => row.line);
  return {
    "tables and views (owner, grants, RLS)": await list(
      `SELECT format('%I.%I %s owner=%s acl=%s rls=%s forced=%s', n.nspname, c.relname, c.relkind,
                     pg_get_userbyid(c.relowner), coalesce(c.relacl::text, '-'), c.relrowsecurity, c.relforcerowsecurity) AS line
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ${APP_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1`,
    ),
    "column grants": await list(
      `SELECT format('%I.%I.%I acl=%s', n.nspname, c.relname, a.attname, a.attacl) AS line
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ${APP_SCHEMAS} AND a.attacl IS NOT NULL ORDER BY 1`,
    ),
    policies: await list(
      `SELECT format('%I.%I %s %s %s to=%s using=%s check=%s', schemaname, tablename, policyname, permissive, cmd,
                     roles, coalesce(qual, '-'), coalesce(with_check, '-')) AS line
         FROM pg_policies WHERE schemaname IN ${APP_SCHEMAS} ORDER BY 1`,
    ),
    functions: await list(
      `SELECT format('%s owner=%s definer=%s config=%s acl=%s', p.oid::regprocedure, pg_get_userbyid(p.proowner),
                     p.prosecdef, coalesce(p.proconfig::text, '-'), coalesce(p.proacl::text, '-')) AS line
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ${APP_SCHEMAS}
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1`,
    ),
    "schemas (owner, grants)": await list(
      `SELECT format('%I owner=%s acl=%s', nspname, pg_get_userbyid(nspowner), coalesce(nspacl::text, '-')) AS line
         FROM pg_namespace WHERE nspname IN ${APP_SCHEMAS} ORDER BY 1`,
    ),
    triggers: await list(
      `SELECT format('%s %s %s', tgrelid::regclass, tgname, tgenabled) AS line
         FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`,
    ),
    extensions: await list("SELECT format('%s %s', extname, extversion) AS line FROM pg_extension ORDER BY 1"),
    sequences: await list(
      `SELECT format('%I.%I last=%s', schemaname, sequencename, coalesce(last_value::text, '-')) AS line
         FROM pg_sequences WHERE schemaname IN ${APP_SCHEMAS} ORDER BY 1`,
    ),
  };
}

export interface ApiRoleView {
  role: string;
  superuser: boolean;
  bypassesRls: boolean;
  /** Rows each RLS-protected table shows to the role with no identity; null: no SELECT grant. */
  visible: Map<string, number | null>;
}

/** Connected AS the API's login role, with no identity established: what can it read? */
export async function apiRoleView(apiConnectionString: string): Promise<ApiRoleView> {
  return withClient(apiConnectionString, async (client) => {
    const { rows: self } = await client.query<{ role: string; superuser: boolean; bypasses: boolean }>(
      "SELECT current_user AS role, rolsuper AS superuser, rolbypassrls AS bypasses FROM pg_roles WHERE rolname = current_user",
    );
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ${APP_SCHEMAS} AND c.relkind IN ('r', 'p') AND c.relrowsecurity ORDER BY 1`,
    );
    const visible = new Map<string, number | null>();
    for (const { name } of tables) {
      try {
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
        visible.set(name, rows[0]?.n ?? -1);
      } catch (error) {
        if ((error as { code?: string }).code !== "42501") throw error;
        visible.set(name, null);
      }
    }
    const row = self[0];
    if (!row) throw new Error("the API role is missing from pg_roles");
    return { role: row.role, superuser: row.superuser, bypassesRls: row.bypasses, visible };
  });
}
