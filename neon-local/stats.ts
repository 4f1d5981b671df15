/**
 * Counters behind `GET /__stats`. Tests use them to prove that one API
 * request costs exactly one database round trip: the API prefixes each
 * statement with a sqlcommenter comment `/* request_id='X' *\/`, and we count
 * /sql requests by the id found on their FIRST statement. Counting by id keeps
 * this exact while other test files hit the same server concurrently.
 */

import { beginStatement, type QueryInput, type SqlRequest } from "./protocol";

/** How many distinct request ids are remembered; the oldest are forgotten first. */
const MAX_TRACKED_IDS = 10_000;
/** How many requests' statements `RequestRecorder` keeps. */
const MAX_RECORDED = 100;

const LEADING_COMMENT = /^\s*\/\*(.*?)\*\//s;
const REQUEST_ID = /(?:^|,)\s*request_id\s*=\s*'((?:[^'\\]|\\.)*)'/;

/** Extracts `request_id` from a leading sqlcommenter comment (values are URL-encoded, `'` escaped as `\'`). */
export function requestIdOf(query: string): string | undefined {
  const comment = LEADING_COMMENT.exec(query)?.[1];
  if (comment === undefined) return undefined;
  const raw = REQUEST_ID.exec(comment)?.[1];
  if (raw === undefined) return undefined;
  const unescaped = raw.replace(/\\(.)/g, "$1");
  try {
    return decodeURIComponent(unescaped);
  } catch {
    return unescaped;
  }
}

export interface StatsSnapshot {
  /** All POST /sql requests since start, valid or not. */
  requests: number;
  /** /sql requests whose first statement carried the asked request_id (0 when none asked). */
  byRequestId: number;
}

export class RequestStats {
  #requests = 0;
  /** Map keeps insertion order, which makes evicting the oldest id cheap. */
  readonly #byId = new Map<string, number>();

  countRequest(): void {
    this.#requests += 1;
  }

  countQuery(firstQuery: string | undefined): void {
    if (firstQuery === undefined) return;
    const id = requestIdOf(firstQuery);
    if (id === undefined) return;
    this.#byId.set(id, (this.#byId.get(id) ?? 0) + 1);
    if (this.#byId.size > MAX_TRACKED_IDS) {
      const oldest = this.#byId.keys().next();
      if (!oldest.done) this.#byId.delete(oldest.value);
    }
  }

  snapshot(requestId?: string): StatsSnapshot {
    return {
      requests: this.#requests,
      byRequestId: requestId === undefined ? 0 : (this.#byId.get(requestId) ?? 0),
    };
  }
}

/** What one request made Postgres run: the transaction's BEGIN (null for a single statement) and its statements. */
export interface RecordedRequest {
  begin: string | null;
  queries: QueryInput[];
}

/** The latest requests' statements by request id (`--record`), for replaying them elsewhere. */
export class RequestRecorder {
  readonly #byId = new Map<string, RecordedRequest>();

  record(request: SqlRequest): void {
    const id = request.queries[0] && requestIdOf(request.queries[0].query);
    if (id === undefined) return;
    this.#byId.delete(id);
    this.#byId.set(id, { begin: request.batch ? beginStatement(request) : null, queries: request.queries });
    if (this.#byId.size > MAX_RECORDED) {
      const oldest = this.#byId.keys().next();
      if (!oldest.done) this.#byId.delete(oldest.value);
    }
  }

  get(requestId: string): RecordedRequest | undefined {
    return this.#byId.get(requestId);
  }
}
