/**
 * When a failed delivery is tried again (README "Webhooks": the published schedule): after the
 * first attempt fails, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, then 12 h four times, each with up
 * to ±10 % jitter so that a receiver coming back is not met by every delivery at once. Eleven
 * attempts over about 2 days 18 hours; after the last, the delivery has failed (a manual retry
 * starts it once more).
 */
export const RETRY_DELAYS_SECONDS = [60, 300, 1800, 7200, 18_000, 36_000, 43_200, 43_200, 43_200, 43_200] as const;

/** Cloudflare Queues delays a message by at most 12 hours. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

/** The delay before the next attempt after `attempts` failed ones; null when the schedule is over. */
export function retryDelaySeconds(attempts: number, random: () => number = Math.random): number | null {
  const base = RETRY_DELAYS_SECONDS[attempts - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (0.9 + 0.2 * random()));
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, jittered));
}
