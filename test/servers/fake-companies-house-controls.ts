// The fake Companies House's test controls, in a file of their own: Worker tests import this type,
// and the server itself is Node-only.

/**
 * What a test may change about one company (PUT /__fake/company/{number}, JSON): the profile's
 * fields are merged over the default; lists replace the default ones; `down: true` makes every
 * path of that company answer 503 (an outage, as the real service has them).
 */
export interface FakeCompanyOverrides {
  profile?: Record<string, unknown>;
  officers?: unknown[];
  pscs?: unknown[];
  charges?: { total_count: number; satisfied_count: number };
  insolvency?: { cases: unknown[] };
  filings?: unknown[];
  down?: boolean;
}
