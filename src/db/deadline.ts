import { DatabaseFault } from "./faults";

/**
 * How long the database may take: time is counted only while a round trip is in flight, so
 * work between round trips (a Companies House call, a scrape) does not eat the database's time.
 */
export interface DatabaseDeadline {
  readonly timeoutMs: number;
  /** Runs one round trip (and its retry, if any) under this deadline; `signal` ends it when time is up. */
  spend<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

const deadlineExceeded = (timeoutMs: number) =>
  new DatabaseFault("timeout", `The database did not answer within its deadline of ${timeoutMs} ms.`);

/**
 * One budget for all the round trips of a request: their sum (and a retry's) must fit in
 * `timeoutMs`. Round trips that overlap count their wall-clock time once.
 */
export function sharedDeadline(timeoutMs: number): DatabaseDeadline {
  let spentMs = 0;
  let inFlight = 0;
  let busySince = 0;
  const remaining = () => timeoutMs - spentMs - (inFlight > 0 ? Date.now() - busySince : 0);
  return {
    timeoutMs,
    async spend(work) {
      const left = remaining();
      if (left <= 0) throw deadlineExceeded(timeoutMs);
      if (inFlight++ === 0) busySince = Date.now();
      try {
        return await withTimeout(work, left, timeoutMs);
      } finally {
        if (--inFlight === 0) spentMs += Date.now() - busySince;
      }
    },
  };
}

/**
 * A fresh `timeoutMs` for every round trip: for queue and cron work, whose own budgets bound the
 * run, and whose closing write (a receipt, a job set back) must still have its time after a
 * round trip that timed out.
 */
export function perRoundTripDeadline(timeoutMs: number): DatabaseDeadline {
  return { timeoutMs, spend: (work) => withTimeout(work, timeoutMs, timeoutMs) };
}

async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(deadlineExceeded(timeoutMs)), ms);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
