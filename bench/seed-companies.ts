import type pg from "pg";

/**
 * Seeds `tenants` tenants of `perTenant` companies each, at INSERT … SELECT speed and without
 * the audit triggers (session_replication_role = replica, which the client keeps for what it seeds
 * next), then ANALYZEs. Returns the tenant ids in id order. The companies' non-unique indexes are
 * dropped for the load and rebuilt from their own definitions after it: building a GIN index
 * once is several times faster than maintaining it row by row (unique ones stay: constraints
 * and foreign keys rest on them).
 */
export async function seedCompanies(direct: pg.Client, tenants: number, perTenant: number): Promise<string[]> {
  await direct.query("SET session_replication_role = replica");
  await direct.query("SET maintenance_work_mem = '256MB'");
  const { rows: indexes } = await direct.query<{ name: string; definition: string }>(
    `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
       FROM pg_index WHERE indrelid = 'companies'::regclass AND NOT indisunique`,
  );
  for (const { name } of indexes) await direct.query(`DROP INDEX ${name}`);
  await direct.query(
    `INSERT INTO tenants (id, slug, name) SELECT gen_random_uuid(), 'bench-' || g, 'Bench ' || g FROM generate_series(1, $1) g`,
    [tenants],
  );
  await direct.query(
    `INSERT INTO companies (tenant_id, name, company_number, postcode, registered_office, sic_codes, status, created_at)
     SELECT t.id,
            (array['Northwind','Globex','Initech','Umbrella','Stark','Wayne','Acme','Hooli','Vandelay','Soylent'])[1 + g % 10]
            || ' ' || (array['Cloud','Digital','Networks','Systems','Software','Data','Security','Consulting'])[1 + (g / 10) % 8]
            || ' ' || (array['Ltd','Limited','Group','Holdings','Plc'])[1 + (g / 80) % 5] || ' ' || g,
            lpad(g::text, 8, '0'),
            place.area || (g % 9) || 'AB',
            -- Every company on the register has one, as Companies House gives it.
            jsonb_build_object(
              'address_line_1', g || ' High Street',
              'locality', place.locality,
              'postal_code', place.area || ' ' || (g % 9) || 'AB',
              'country', place.country),
            array[(array['62012','62020','62090','63110','70229'])[1 + g % 5]],
            'active',
            now() - (g || ' minutes')::interval
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM tenants) t, generate_series(1, $1) g,
            LATERAL (SELECT (array['EC1A','EC2M','SW1A','M1','B3','LS1','G2','EH1'])[1 + g % 8] AS area,
                            (array['London','London','London','Manchester','Birmingham','Leeds','Glasgow','Edinburgh'])[1 + g % 8] AS locality,
                            (array['England','England','England','England','England','England','Scotland','Scotland'])[1 + g % 8] AS country) place`,
    [perTenant],
  );
  for (const { definition } of indexes) await direct.query(definition);
  await direct.query("ANALYZE");
  const { rows } = await direct.query<{ id: string }>("SELECT id FROM tenants ORDER BY id");
  return rows.map((row) => row.id);
}

/** A user `subject` who is `owner` of `tenantId`. */
export async function seedOwner(direct: pg.Client, tenantId: string, subject: string): Promise<void> {
  await direct.query(
    `WITH u AS (INSERT INTO users (id, subject) VALUES (gen_random_uuid(), $2) RETURNING id)
     INSERT INTO memberships (tenant_id, user_id, role) SELECT $1, id, 'owner' FROM u`,
    [tenantId, subject],
  );
}
