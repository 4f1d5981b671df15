/**
 * Scenario: what metering API requests adds to a request. The tenant's limiter object counts each
 * admitted request in memory (written in aggregate, every 30 s, off the request path), so the cost
 * is that of the count inside the `consume` call. Two floor Workers, interleaved round by round:
 * one calls the limiter as the API does (metered), one makes the same call without naming the
 * tenant (not metered). CPU is that of each workerd process (isolate and Durable Object together).
 */
import type { Unstable_DevWorker } from "wrangler";
import { ms, summarise } from "./stats";
import { startFloorWorker } from "./worker-harness";
import { withNewWorkerd, workerdCpuMs } from "./workerd-cpu";

const WARMUP = 300;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 3000);
const TARGETS = { metered: "/limiter", unmetered: "/limiter-unmetered" } as const;
type Target = keyof typeof TARGETS;

export async function meteringScenario(): Promise<Record<string, unknown>> {
  const started: Partial<Record<Target, { worker: Unstable_DevWorker; pids: number[] }>> = {};
  try {
    for (const target of Object.keys(TARGETS) as Target[]) {
      const { value: worker, pids } = await withNewWorkerd(startFloorWorker, async (w) =>
        (await w.fetch("/constant")).arrayBuffer(),
      );
      if (pids.length === 0) throw new Error(`${target}: no workerd process of its own found`);
      started[target] = { worker, pids };
    }
    const all = started as Record<Target, { worker: Unstable_DevWorker; pids: number[] }>;
    const names = Object.keys(TARGETS) as Target[];
    for (let i = 0; i < WARMUP; i++) {
      for (const t of names) await (await all[t].worker.fetch(TARGETS[t])).arrayBuffer();
    }
    const latencies: Record<Target, number[]> = { metered: [], unmetered: [] };
    const before = { metered: workerdCpuMs(all.metered.pids), unmetered: workerdCpuMs(all.unmetered.pids) };
    for (let i = 0; i < SAMPLES; i++) {
      for (let k = 0; k < names.length; k++) {
        const t = names[(i + k) % names.length] as Target;
        const t0 = performance.now();
        const response = await all[t].worker.fetch(TARGETS[t]);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${t}: HTTP ${response.status}`);
        latencies[t].push(performance.now() - t0);
      }
    }
    const cpu = {
      metered: (workerdCpuMs(all.metered.pids) - before.metered) / SAMPLES,
      unmetered: (workerdCpuMs(all.unmetered.pids) - before.unmetered) / SAMPLES,
    };
    const latency = { metered: summarise(latencies.metered), unmetered: summarise(latencies.unmetered) };
    const result = {
      samples: SAMPLES,
      cpu_ms_per_request: cpu,
      latency_ms: latency,
      added_by_metering: {
        cpu_ms: cpu.metered - cpu.unmetered,
        p50_ms: latency.metered.p50 - latency.unmetered.p50,
        p99_ms: latency.metered.p99 - latency.unmetered.p99,
      },
    };
    console.log(`\nmetering — ${SAMPLES} interleaved samples per target`);
    for (const t of names) {
      console.log(`  ${t.padEnd(10)} CPU ${ms(cpu[t])}  p50 ${ms(latency[t].p50)}  p99 ${ms(latency[t].p99)}`);
    }
    const a = result.added_by_metering;
    console.log(`  added by metering: CPU ${ms(a.cpu_ms)}  p50 ${ms(a.p50_ms)}  p99 ${ms(a.p99_ms)}`);
    return result;
  } finally {
    await Promise.all(Object.values(started).map((p) => p?.worker.stop()));
  }
}
