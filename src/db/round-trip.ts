import type { DatabaseDeadline } from "./deadline";
import { DatabaseFault } from "./faults";

/** How one client's round trips are sent: its deadline, its endpoint, whether one may be resent. */
export interface RoundTripPolicy {
  deadline: DatabaseDeadline;
  /** A local Neon-protocol server (development and tests); the driver's Neon URL when absent. */
  endpoint: string | undefined;
  /**
   * Send a round trip once more when it got no answer at all. Only for read-only work: without an
   * answer we cannot know whether Postgres ran it.
   */
  resendUnanswered: boolean;
}

// The driver spreads a client's `fetchOptions` into every fetch it makes; this key carries the
// client's policy to `databaseFetch` without touching the request (fetchOptions.headers would
// replace the driver's Neon-* headers).
const POLICY = Symbol("detecktiv.database.roundTrip");

type PolicyCarrier = { [POLICY]?: RoundTripPolicy };

export function roundTripFetchOptions(policy: RoundTripPolicy): PolicyCarrier {
  return { [POLICY]: policy };
}

// Neon answers 507 for a response over 10 MiB: the same request would fail again, so it is not
// an outage and stays the driver's own error.
const RESPONSE_TOO_LARGE = 507;

/**
 * An answer read to its end: what the driver reads of a fetch Response (`ok`, `status`, `json()`,
 * `text()`), without a second Response around the body. Re-wrapping the bytes in a Response (to
 * hand the driver something readable after the deadline's read) cost a Response, a copy of its
 * headers and a body stream per round trip, native work in workerd.
 */
export class ReadAnswer {
  constructor(
    readonly status: number,
    readonly statusText: string,
    private readonly body: string,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }

  async text(): Promise<string> {
    return this.body;
  }
}

/**
 * The driver's fetch (neonConfig.fetchFunction, global to the isolate). Every round trip of a
 * client with a policy runs under its deadline, reads the whole answer within it, and turns a
 * missing answer or the endpoint's 5xx into a DatabaseFault (the driver passes it on as the
 * `sourceError` of its NeonDbError).
 */
export async function databaseFetch(
  input: string | URL,
  init: RequestInit & PolicyCarrier = {},
): Promise<Response | ReadAnswer> {
  const { [POLICY]: policy, ...request } = init;
  if (!policy) return fetch(input, request);
  const url = policy.endpoint ?? input;
  return policy.deadline.spend(async (signal) => {
    try {
      return await send(url, { ...request, signal });
    } catch (error) {
      if (!(policy.resendUnanswered && error instanceof DatabaseFault && error.kind === "no_answer")) throw error;
      return send(url, { ...request, signal });
    }
  });
}

async function send(url: string | URL, init: RequestInit & { signal: AbortSignal }): Promise<ReadAnswer> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (init.signal.aborted) throw init.signal.reason;
    throw new DatabaseFault("no_answer", "The database endpoint did not answer.", { cause: error });
  }
  let body: string;
  try {
    body = await response.text();
  } catch (error) {
    if (init.signal.aborted) throw init.signal.reason;
    throw new DatabaseFault("cut_off", "The connection to the database broke during its answer.", { cause: error });
  }
  if (response.status >= 500 && response.status !== RESPONSE_TOO_LARGE) {
    throw new DatabaseFault(
      "endpoint_error",
      `The database endpoint answered HTTP ${response.status}: ${body.slice(0, 200)}`,
    );
  }
  return new ReadAnswer(response.status, response.statusText, body);
}
