/**
 * npm run bench [-- scenario...] — benchmarks that report ratios measured within one run
 * (machines here are shared and noisy: compare figures of the same run, not across runs).
 * Results are also written to .bench/results.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { apiThroughputScenario } from "./api-throughput";
import { measureBundle } from "./bundle";
import { companiesSearchScenario } from "./companies-search";
import { eventCostScenario } from "./event-cost";
import { identityCostScenario } from "./identity-cost";
import { rateLimiterScenario } from "./rate-limiter";
import { retentionPurgeScenario } from "./retention-purge";
import { scrapeScenario } from "./scrape";
import { BENCH_DIR } from "./worker-harness";

const SCENARIOS: Record<string, () => Promise<Record<string, unknown>>> = {
  "rate-limiter": rateLimiterScenario,
  "companies-search": companiesSearchScenario,
  scrape: scrapeScenario,
  "retention-purge": retentionPurgeScenario,
  "identity-cost": identityCostScenario,
  "event-cost": eventCostScenario,
  "api-throughput": apiThroughputScenario,
  // Seconds, no database: the production bundle's gzip size and start-up (api-throughput reports it too).
  bundle: async () => ({ ...(await measureBundle()) }),
};

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0)
    throw new Error(`unknown scenario(s) ${unknown.join(", ")}; known: ${Object.keys(SCENARIOS).join(", ")}`);
  const results: Record<string, unknown> = {};
  for (const name of wanted.length > 0 ? wanted : Object.keys(SCENARIOS)) {
    const run = SCENARIOS[name];
    if (run) results[name] = await run();
  }
  mkdirSync(BENCH_DIR, { recursive: true });
  writeFileSync(join(BENCH_DIR, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
