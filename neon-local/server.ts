/**
 * A local stand-in for Neon's SQL-over-HTTP endpoint, so that `neon()` from
 * `@neondatabase/serverless` (and drizzle's neon-http driver) can run against
 * PGlite or a local Postgres with `neonConfig.fetchEndpoint` pointed here.
 *
 * Routes:
 *   POST /sql        the Neon protocol (see protocol.ts)
 *   GET  /__stats    request counters for tests (?request_id=X)
 *   GET  /__recorded the statements a request sent (?request_id=X; only with `record`)
 *   GET  /__health   liveness, for scripts waiting on start-up
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Backend } from "./backend";
import { proxyErrorBody, ResponseBody, ResponseTooLargeError, tooManyParameters } from "./limits";
import { batchResponseHeaders, PgError, ProtocolError, parseSqlRequest, type SqlRequest } from "./protocol";
import { RequestRecorder, RequestStats } from "./stats";

/** Neon's proxy rejects bodies above 10 MiB as well. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface NeonLocalOptions {
  /** Closed by the returned close(). */
  backend: Backend;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the server has no authentication, keep it local. */
  host?: string;
  /** Receives one line per request (never parameter values: they may hold personal data). */
  log?: (line: string) => void;
  /**
   * Keeps the latest requests' statements, parameters included, for `GET /__recorded` (the
   * throughput bench replays them with pgbench). Off by default: parameters may hold personal data.
   */
  record?: boolean;
}

export interface NeonLocalServer {
  /** http://HOST:PORT/sql, the value for neonConfig.fetchEndpoint. */
  endpoint: string;
  port: number;
  /** Stops the HTTP server (dropping keep-alive sockets), then closes the backend. Idempotent. */
  close(): Promise<void>;
}

export interface CreateBackendOptions {
  /** A Postgres URL selects the postgres backend. */
  databaseUrl?: string;
  /** Otherwise PGlite, persisted here (in-memory when omitted). */
  dataDir?: string;
  /** Postgres only: hand connections on without resetting their sessions, as Neon's proxy does. */
  keepSessions?: boolean;
}

/** Picks the backend: Postgres when a URL is given, else PGlite. Imported lazily so each loads only what it needs. */
export async function createBackend(options: CreateBackendOptions = {}): Promise<Backend> {
  if (options.databaseUrl) {
    const { PostgresBackend } = await import("./postgres-backend");
    return new PostgresBackend({
      databaseUrl: options.databaseUrl,
      ...(options.keepSessions ? { keepSessions: true } : {}),
    });
  }
  const { PgliteBackend } = await import("./pglite-backend");
  return PgliteBackend.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        req.resume(); // drain without buffering so the 413 can still be sent
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** For the log: the client closed the connection before its answer (nginx's 499). */
const CLIENT_CLOSED_REQUEST = 499;

class ClientGoneError extends Error {
  constructor() {
    super("the client closed the connection");
    this.name = "ClientGoneError";
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), headers);
}

function sendText(res: ServerResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(json),
    // Neon's endpoint is callable from browsers too.
    "Access-Control-Allow-Origin": "*",
    ...headers,
  });
  res.end(json);
}

export async function startNeonLocal(options: NeonLocalOptions): Promise<NeonLocalServer> {
  const { backend, log } = options;
  const host = options.host ?? "127.0.0.1";
  const stats = new RequestStats();
  const recorder = options.record ? new RequestRecorder() : undefined;

  /** Returns [status, query count] for the log line. */
  async function handleSql(req: IncomingMessage, res: ServerResponse): Promise<[number, number]> {
    stats.countRequest();
    let request: SqlRequest;
    try {
      request = parseSqlRequest(req.headers, await readBody(req));
    } catch (error) {
      if (error instanceof ProtocolError) {
        send(res, error.status, { message: error.message });
        return [error.status, 0];
      }
      if (error instanceof BodyTooLargeError) {
        send(res, 413, { message: `request body is larger than ${MAX_BODY_BYTES} bytes` });
        return [413, 0];
      }
      throw error;
    }
    stats.countQuery(request.queries[0]?.query);
    recorder?.record(request);

    const encodingError = tooManyParameters(request.queries);
    if (encodingError) {
      sendText(res, 400, proxyErrorBody(encodingError));
      return [400, 0];
    }

    // The client hanging up before its answer is written is what Neon cancels on.
    const clientGone = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) clientGone.abort(new ClientGoneError());
    });
    const body = new ResponseBody(request);
    try {
      await backend.execute(request, { signal: clientGone.signal, onResult: (result, i) => body.add(result, i) });
      sendText(res, 200, body.text(), batchResponseHeaders(request));
      return [200, request.queries.length];
    } catch (error) {
      if (clientGone.signal.aborted) {
        // Nobody is left to answer (Neon writes "Query cancelled, connection was terminated").
        res.destroy();
        return [CLIENT_CLOSED_REQUEST, request.queries.length];
      }
      if (error instanceof ResponseTooLargeError) {
        sendText(res, error.status, proxyErrorBody(error.message));
        return [error.status, request.queries.length];
      }
      const pgError = PgError.from(error);
      if (pgError) {
        send(res, 400, pgError.toBody());
        return [400, request.queries.length];
      }
      throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://localhost");
    let status: number;
    let queries = 0;
    try {
      if (url.pathname === "/sql") {
        if (req.method === "POST") {
          [status, queries] = await handleSql(req, res);
        } else {
          status = 405;
          send(res, status, { message: "use POST" }, { Allow: "POST" });
        }
      } else if (url.pathname === "/__stats" && req.method === "GET") {
        status = 200;
        send(res, status, stats.snapshot(url.searchParams.get("request_id") ?? undefined));
      } else if (url.pathname === "/__recorded" && req.method === "GET" && recorder) {
        const recorded = recorder.get(url.searchParams.get("request_id") ?? "");
        status = recorded ? 200 : 404;
        send(res, status, recorded ?? { message: "no such request recorded" });
      } else if (url.pathname === "/__health" && req.method === "GET") {
        status = 200;
        send(res, status, { ok: true, backend: backend.name });
      } else {
        status = 404;
        send(res, status, { message: "not found" });
      }
    } catch (error) {
      // Not a Postgres error: the backend failed (connection refused, bug...).
      // The driver reports non-400 answers as "Server error (HTTP status 500): <body>".
      status = 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) send(res, status, { message });
      else res.destroy();
    }
    log?.(`${req.method ?? "?"} ${url.pathname} ${status} ${Math.round(performance.now() - started)}ms ${queries}q`);
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive sockets would otherwise hold close() (and vitest) open.
      server.closeAllConnections();
    });
    await backend.close();
  };

  return {
    endpoint: `http://${urlHost}:${port}/sql`,
    port,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
