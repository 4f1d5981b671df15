import { inject } from "vitest";
import type { FaultPlan } from "../servers/database-fault-plan";

/**
 * A test's own database outage: a fresh channel of the fault proxy, in front of the real local
 * Neon server. Point a fresh app at `endpoint` (NEON_FETCH_ENDPOINT via callWithEnv) and switch
 * the channel with `set`; other tests keep the real endpoint.
 */
export async function faultChannel(plan: FaultPlan = { otherwise: "pass" }) {
  const name = `ch-${crypto.randomUUID()}`;
  const control = `${inject("faultProxyUrl")}/__fault/${name}`;
  const set = async (next: FaultPlan) => {
    const response = await fetch(control, { method: "PUT", body: JSON.stringify(next) });
    if (!response.ok) throw new Error(`fault proxy: ${response.status}`);
    await response.arrayBuffer();
  };
  await set(plan);
  return {
    endpoint: `${inject("faultProxyUrl")}/${name}/sql`,
    set,
    /** Round trips the channel has received so far. */
    async requests(): Promise<number> {
      return ((await (await fetch(control)).json()) as { requests: number }).requests;
    },
  };
}
