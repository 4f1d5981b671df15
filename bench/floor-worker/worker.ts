/**
 * The floor of `npm run bench -- api-throughput`: the least a Worker on our stack does per
 * request, with none of the app's code. Same runtime (workerd through wrangler), same driver
 * (`neon()` to the same local Neon endpoint), same Durable Object machinery (a SQLite-backed
 * class, one RPC per request), and one JSON log line per request, as any production Worker
 * writes. Not part of the deployed Worker: nothing in src/ imports it and wrangler.toml does not
 * name it.
 *
 *   GET /constant          → {"status":"ok"}                          (the floor of /health)
 *   GET /companies/{id}    → DO call, GET_SQL with [id], {"items":rows}  (the floor of a get)
 *   GET /companies?tenant= → DO call, LIST_SQL with [tenant], {"items":rows} (the floor of a list)
 *
 * The bench passes the statements (GET_SQL, LIST_SQL) so that they select exactly the app's
 * columns; the connection is the table owner's, so a tenant filter stands in for row-level
 * security and no identity statement is sent.
 */

import { DurableObject } from "cloudflare:workers";
import { neon, neonConfig } from "@neondatabase/serverless";

interface FloorEnv {
  NOOP: DurableObjectNamespace<Noop>;
  DATABASE_URL: string;
  NEON_FETCH_ENDPOINT: string;
  GET_SQL: string;
  LIST_SQL: string;
}

/** The Durable Object call of the floor: an RPC that does nothing. */
export class Noop extends DurableObject<FloorEnv> {
  ping(): number {
    return 1;
  }
}

async function rows(env: FloorEnv, doName: string, statement: string, param: string): Promise<Response> {
  await env.NOOP.get(env.NOOP.idFromName(doName)).ping();
  neonConfig.fetchEndpoint = env.NEON_FETCH_ENDPOINT;
  // Made per request, as Neon's documentation writes it (`const sql = neon(env.DATABASE_URL)`).
  const sql = neon(env.DATABASE_URL);
  return Response.json({ items: await sql.query(statement, [param]) });
}

async function route(request: Request, env: FloorEnv): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/constant") return Response.json({ status: "ok" });
  const id = /^\/companies\/([0-9a-f-]{36})$/.exec(url.pathname)?.[1];
  if (id) return rows(env, "floor", env.GET_SQL, id);
  const tenant = url.searchParams.get("tenant");
  if (url.pathname === "/companies" && tenant) return rows(env, tenant, env.LIST_SQL, tenant);
  return new Response("not found", { status: 404 });
}

export default {
  async fetch(request, env) {
    const started = Date.now();
    const response = await route(request, env);
    console.log(
      JSON.stringify({
        level: "info",
        message: "request",
        time: new Date().toISOString(),
        method: request.method,
        path: new URL(request.url).pathname,
        status: response.status,
        duration_ms: Date.now() - started,
      }),
    );
    return response;
  },
} satisfies ExportedHandler<FloorEnv>;
