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
 * The driver's fetch (neonConfig.fetchFunction, global to the isolate). Every round trip of a
 * client with a policy runs under its deadline, reads the whole answer within it, and turns a
 * missing answer or the endpoint's 5xx into a DatabaseFault (the driver passes it on as the
 * `sourceError` of its NeonDbError).
 */
export async function databaseFetch(input: string | URL, init: RequestInit & PolicyCarrier = {}): Promise<Response> {
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

async function send(url: string | URL, init: RequestInit & { signal: AbortSignal }): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (init.signal.aborted) throw init.signal.reason;
    throw new DatabaseFault("no_answer", "The database endpoint did not answer.", { cause: error });
  }
  let body: ArrayBuffer;
  try {
    body = await response.arrayBuffer();
  } catch (error) {
    if (init.signal.aborted) throw init.signal.reason;
    throw new DatabaseFault("cut_off", "The connection to the database broke during its answer.", { cause: error });
  }
  if (response.status >= 500 && response.status !== RESPONSE_TOO_LARGE) {
    const text = new TextDecoder().decode(body.slice(0, 200));
    throw new DatabaseFault("endpoint_error", `The database endpoint answered HTTP ${response.status}: ${text}`);
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
