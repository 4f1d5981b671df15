/**
 * Scenario: what recording events costs a create, on the real PostgreSQL, server-side (EXPLAIN
 * ANALYZE execution time, as app_api, inside a signed identity, rolled back), in one run:
 * - a company insert without the event triggers (as before issue 16) vs. with them, with no
 *   webhook endpoint and with one endpoint that wants every event (the delivery fan-out);
 *   measured as one statement inserting ROWS companies, per row;
 * - the statement a write batch now ends with (its own deliveries), with none to find and with one;
 * - a whole create batch's Postgres time (begin_request + insert + that statement) before and after.
 * No extra round trip either way: the figures are Postgres CPU per batch.
 */
import pg from "pg";
import { requestSigner } from "../src/db/request-assertion";
import { freshPostgres } from "./fresh-postgres";
import { BENCH_ASSERTION_KEY } from "./worker-harness";

const ROWS = Number(process.env.BENCH_EVENT_ROWS ?? 2000);
const BATCHES = Number(process.env.BENCH_EVENT_BATCHES ?? 200);
const ROUNDS = 5;
const WARM_UP = 20;
const EVENT_TRIGGERS = ["companies_events", "companies_import_events"];
const OWN_DELIVERIES = `SELECT id FROM webhook_deliveries
  WHERE txid = pg_current_xact_id_if_assigned() AND status = 'pending'`;

async function executionMs(client: pg.Client, statement: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`, params);
  return (rows[0] as { "QUERY PLAN": [{ "Execution Time": number }] })["QUERY PLAN"][0]["Execution Time"];
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const round = (value: number) => Math.round(value * 10) / 10;

export async function eventCostScenario(): Promise<Record<string, unknown>> {
  const { databaseUrl, drop } = await freshPostgres("events");
  const owner = new pg.Client({ connectionString: databaseUrl });
  const api = new pg.Client({
    connectionString: Object.assign(new URL(databaseUrl), { username: "app_api" }).toString(),
  });
  try {
    await owner.connect();
    const { rows } =
      await owner.query(`WITH t AS (INSERT INTO tenants (slug, name) VALUES ('bench', 'Bench') RETURNING id),
        u AS (INSERT INTO users (subject) VALUES ('bench|user') RETURNING id),
        m AS (INSERT INTO memberships (tenant_id, user_id, role) SELECT t.id, u.id, 'owner' FROM t, u)
      SELECT id FROM t`);
    const tenantId = (rows[0] as { id: string }).id;
    await api.connect();
    const signer = requestSigner(BENCH_ASSERTION_KEY);
    const begin = async () => {
      const { kid, assertion, signature } = await signer.sign({
        kind: "request",
        tenant_id: tenantId,
        subject: "bench|user",
        email: null,
        name: null,
        key_hash: null,
        role: "editor",
        scope: null,
        read_only: false,
        request_id: "bench-events",
      });
      return executionMs(api, "SELECT * FROM app.begin_request($1, $2, $3)", [kid, assertion, signature]);
    };
    const rolledBack = async <T>(work: () => Promise<T>): Promise<T> => {
      await api.query("BEGIN");
      try {
        return await work();
      } finally {
        await api.query("ROLLBACK");
      }
    };
    const triggers = async (on: boolean) => {
      for (const name of EVENT_TRIGGERS) {
        await owner.query(`ALTER TABLE companies ${on ? "ENABLE" : "DISABLE"} TRIGGER ${name}`);
      }
    };
    const endpoint = async (present: boolean) => {
      if (present) {
        await owner.query(
          `INSERT INTO webhook_endpoints (id, tenant_id, url, enabled_events, secret)
           VALUES (gen_random_uuid(), $1, 'https://hooks.example.com/bench', '{*}', 'v1:bench:bench')`,
          [tenantId],
        );
      } else {
        await owner.query("DELETE FROM webhook_endpoints WHERE tenant_id = $1", [tenantId]);
      }
    };
    /** µs per inserted company, from one statement inserting ROWS. */
    const perRow = async () => {
      const samples: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        samples.push(
          await rolledBack(async () => {
            await begin();
            const ms = await executionMs(
              api,
              `INSERT INTO companies (name, tags) SELECT 'Bench ' || g, '{bench}' FROM generate_series(1, ${ROWS}) g`,
            );
            return (ms * 1000) / ROWS;
          }),
        );
      }
      return median(samples);
    };
    /** µs of one create batch: begin_request, the insert, and (after) the deliveries statement. */
    const batch = async (withDeliveries: boolean) => {
      const samples: number[] = [];
      // The first batches after a trigger change compile its functions and plans: not counted.
      for (let i = 0; i < BATCHES + WARM_UP; i++) {
        samples.push(
          await rolledBack(async () => {
            let ms = await begin();
            ms += await executionMs(api, "INSERT INTO companies (name) VALUES ('Bench Ltd') RETURNING id");
            if (withDeliveries) ms += await executionMs(api, OWN_DELIVERIES);
            return ms * 1000;
          }),
        );
      }
      return median(samples.slice(WARM_UP));
    };
    /** µs of the deliveries statement alone, after a one-company insert. */
    const deliveriesStatement = async () => {
      const samples: number[] = [];
      for (let i = 0; i < BATCHES; i++) {
        samples.push(
          await rolledBack(async () => {
            await begin();
            await api.query("INSERT INTO companies (name) VALUES ('Bench Ltd')");
            return (await executionMs(api, OWN_DELIVERIES)) * 1000;
          }),
        );
      }
      return median(samples);
    };

    await triggers(false);
    const insertBefore = await perRow();
    const batchBefore = await batch(false);
    await triggers(true);
    const insertAfter = await perRow();
    const batchAfter = await batch(true);
    const deliveriesNone = await deliveriesStatement();
    await endpoint(true);
    const insertWithEndpoint = await perRow();
    const batchWithEndpoint = await batch(true);
    const deliveriesOne = await deliveriesStatement();
    await endpoint(false);

    const result = {
      insert_per_company_us: {
        before: round(insertBefore),
        after: round(insertAfter),
        after_with_endpoint: round(insertWithEndpoint),
      },
      own_deliveries_statement_us: { none: round(deliveriesNone), one: round(deliveriesOne) },
      create_batch_postgres_us: {
        before: round(batchBefore),
        after: round(batchAfter),
        after_with_endpoint: round(batchWithEndpoint),
      },
      added_per_create_us: round(batchAfter - batchBefore),
      added_per_create_with_endpoint_us: round(batchWithEndpoint - batchBefore),
    };
    console.log(`\nevent recording cost on PostgreSQL (server-side execution, medians)`);
    console.table({
      "insert, per company (µs)": result.insert_per_company_us,
      "create batch (µs)": result.create_batch_postgres_us,
    });
    console.log(
      `own-deliveries statement: ${result.own_deliveries_statement_us.none} µs (none), ${result.own_deliveries_statement_us.one} µs (one); added per create: ~${result.added_per_create_us} µs, ~${result.added_per_create_with_endpoint_us} µs with an endpoint`,
    );
    return result;
  } finally {
    await api.end().catch(() => {});
    await owner.end().catch(() => {});
    await drop();
  }
}
