/**
 * Scenario: what the unforgeable identity (signed assertion + sealed settings, migration 0025)
 * costs Postgres per batch, on the real PostgreSQL. Everything is measured server-side
 * (EXPLAIN ANALYZE execution time over many calls in one statement), as app_api, in one run:
 * - app.begin_request as it is now vs. the previous version (migration 0004's text, installed
 *   beside it in a scratch schema, owned by app_auth like the real one);
 * - one identity read (app.tenant_id(), which verifies the seal) vs. the unsealed read it replaced
 *   (a current_setting);
 * - a whole get-one-company batch (begin_request + the select) for scale.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { MIGRATIONS_FOLDER } from "../scripts/db/migrate";
import { requestSigner } from "../src/db/request-assertion";
import { freshPostgres } from "./fresh-postgres";
import { BENCH_ASSERTION_KEY } from "./worker-harness";

const CALLS = Number(process.env.BENCH_IDENTITY_CALLS ?? 2000);
const READS = 100_000;
const ROUNDS = 5;

/** The previous begin_request, from its migration, renamed into schema bench_old. */
function previousBeginRequest(): string {
  const text = readFileSync(join(MIGRATIONS_FOLDER, "0004_identity_v2_functions.sql"), "utf8");
  const start = text.indexOf("CREATE FUNCTION app.begin_request(");
  const end = text.indexOf("$$;", text.indexOf("AS $$", start)) + 3;
  return text.slice(start, end).replace("app.begin_request(", "bench_old.begin_request(");
}

async function executionMs(client: pg.Client, statement: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`, params);
  return (rows[0] as { "QUERY PLAN": [{ "Execution Time": number }] })["QUERY PLAN"][0]["Execution Time"];
}

/** The median of ROUNDS measurements, each of one statement that makes `calls` calls. */
async function perCallMicros(measure: () => Promise<number>, calls: number): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) samples.push(((await measure()) * 1000) / calls);
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] ?? Number.NaN;
}

export async function identityCostScenario(): Promise<Record<string, unknown>> {
  const { databaseUrl, drop } = await freshPostgres("identity");
  const asUser = (user: string) => Object.assign(new URL(databaseUrl), { username: user }).toString();
  const owner = new pg.Client({ connectionString: databaseUrl });
  const api = new pg.Client({ connectionString: asUser("app_api") });
  try {
    await owner.connect();
    await owner.query("CREATE SCHEMA bench_old");
    await owner.query(previousBeginRequest());
    await owner.query(`ALTER FUNCTION bench_old.begin_request(uuid, text, text, text, text, text, text, boolean, text)
      OWNER TO app_auth`);
    await owner.query("GRANT USAGE ON SCHEMA bench_old TO app_api, app_auth");
    const { rows } =
      await owner.query(`WITH t AS (INSERT INTO tenants (slug, name) VALUES ('bench', 'Bench') RETURNING id),
        u AS (INSERT INTO users (subject) VALUES ('bench|user') RETURNING id),
        m AS (INSERT INTO memberships (tenant_id, user_id, role) SELECT t.id, u.id, 'owner' FROM t, u)
      INSERT INTO companies (tenant_id, name) SELECT id, 'Bench Ltd' FROM t RETURNING tenant_id, id`);
    const { tenant_id: tenantId, id: companyId } = rows[0] as { tenant_id: string; id: string };

    await api.connect();
    const signer = requestSigner(BENCH_ASSERTION_KEY);
    const signed = async () => {
      const { kid, assertion, signature } = await signer.sign({
        kind: "request",
        tenant_id: tenantId,
        subject: "bench|user",
        email: null,
        name: null,
        key_hash: null,
        role: "viewer",
        scope: null,
        read_only: true,
        request_id: "bench-identity",
      });
      return [kid, assertion, signature];
    };
    const inTransaction = async <T>(work: () => Promise<T>): Promise<T> => {
      await api.query("BEGIN");
      try {
        return await work();
      } finally {
        await api.query("ROLLBACK");
      }
    };

    const beginNow = await perCallMicros(
      async () =>
        inTransaction(async () =>
          executionMs(
            api,
            `SELECT (app.begin_request($1, $2, $3)).tenant_id FROM generate_series(1, ${CALLS})`,
            await signed(),
          ),
        ),
      CALLS,
    );
    const beginBefore = await perCallMicros(
      async () =>
        inTransaction(async () =>
          executionMs(
            api,
            `SELECT (bench_old.begin_request($1, 'bench|user', NULL, NULL, NULL, 'viewer', NULL, false, 'bench-identity')).tenant_id
               FROM generate_series(1, ${CALLS})`,
            [tenantId],
          ),
        ),
      CALLS,
    );
    const readNow = await perCallMicros(
      async () =>
        inTransaction(async () => {
          await api.query("SELECT * FROM app.begin_request($1, $2, $3)", await signed());
          return executionMs(api, `SELECT count(app.tenant_id()) FROM generate_series(1, ${READS})`);
        }),
      READS,
    );
    const readBefore = await perCallMicros(
      async () =>
        inTransaction(async () => {
          await api.query("SELECT * FROM app.begin_request($1, $2, $3)", await signed());
          return executionMs(
            api,
            `SELECT count(nullif(current_setting('app.identity', true), '')) FROM generate_series(1, ${READS})`,
          );
        }),
      READS,
    );
    const getBatch = await perCallMicros(
      async () =>
        inTransaction(async () => {
          const begin = await executionMs(api, "SELECT * FROM app.begin_request($1, $2, $3)", await signed());
          return begin + (await executionMs(api, "SELECT * FROM companies WHERE id = $1", [companyId]));
        }),
      1,
    );

    const result = {
      begin_request_us: { now: round(beginNow), before: round(beginBefore), added: round(beginNow - beginBefore) },
      identity_read_us: { now: round(readNow), before: round(readBefore), added: round(readNow - readBefore) },
      get_batch_postgres_us: round(getBatch),
      // A get reads the identity once (the policy's InitPlan); a create about five times
      // (policy, column default, audit trigger's actor, actor id and request id).
      added_per_get_us: round(beginNow - beginBefore + (readNow - readBefore)),
      added_per_create_us: round(beginNow - beginBefore + 5 * (readNow - readBefore)),
    };
    console.log(`\nidentity cost on PostgreSQL (server-side execution, median of ${ROUNDS} rounds)`);
    console.table({
      "begin_request (µs/call)": result.begin_request_us,
      "identity read (µs/call)": result.identity_read_us,
    });
    console.log(
      `get-one batch: ${result.get_batch_postgres_us} µs of Postgres execution; added by the seal: ~${result.added_per_get_us} µs per get, ~${result.added_per_create_us} µs per create`,
    );
    return result;
  } finally {
    await api.end().catch(() => {});
    await owner.end().catch(() => {});
    await drop();
  }
}

const round = (value: number) => Math.round(value * 10) / 10;
