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
import { meteringScenario } from "./metering";
import { rateLimiterScenario } from "./rate-limiter";
import { registerScenario } from "./register";
import { retentionPurgeScenario } from "./retention-purge";
import { scrapeScenario } from "./scrape";
import { BENCH_DIR } from "./worker-harness";
import { workspacePolicyScenario } from "./workspace-policy";

const SCENARIOS: Record<string, () => Promise<Record<string, unknown>>> = {
  "rate-limiter": rateLimiterScenario,
  metering: meteringScenario,
  "companies-search": companiesSearchScenario,
  scrape: scrapeScenario,
  "retention-purge": retentionPurgeScenario,
  "identity-cost": identityCostScenario,
  "event-cost": eventCostScenario,
  "api-throughput": apiThroughputScenario,
  // Seconds, no database: the production bundle's gzip size and start-up (api-throughput reports it too).
  bundle: async () => ({ ...(await measureBundle()) }),
  "workspace-policy": workspacePolicyScenario,
  register: registerScenario,
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
