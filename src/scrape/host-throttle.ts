import { DurableObject } from "cloudflare:workers";
import type { Env } from "../config/env";
import { ROBOTS_MAX_AGE_MS, type RobotsFile } from "./robots";

interface HostState {
  /** Milliseconds since the epoch when the last request to the host finished (or was granted). */
  lastAt: number;
  /** A request is out until this time (its holder releases it sooner, or the hold runs out). */
  busyUntil?: number;
  /** robots.txt per origin: http://host and https://host have their own (RFC 9309 2.3). */
  robots?: Record<string, RobotsFile>;
}

const STATE_KEY = "host";
/** Idle hosts are forgotten a day after their last request (their robots.txt is stale by then). */
const IDLE_EXPIRY_MS = 24 * 60 * 60 * 1000;

/**
 * One instance per host (`host:<host:port>`), shared by every isolate. It lets one request at a
 * time go to the host, each at least the delay after the previous one finished (so the host sees
 * the delay between requests whatever the network does), and caches the host's robots.txt. Calls
 * run one at a time and do not await, so two consumers can never both be granted.
 */
export class HostThrottle extends DurableObject<Env> {
  private cached: HostState | undefined | null = null;

  /**
   * Asks to send a request now. 0: granted, the host is the caller's until `release()` (or for
   * `holdMs` at most, should the caller die); otherwise how long to wait before asking again.
   * The delay is the caller's: the host's Crawl-delay once its robots.txt is known.
   */
  acquire(delayMs: number, holdMs: number, now = Date.now()): number {
    const state = this.load();
    if (state?.busyUntil !== undefined && state.busyUntil > now) return Math.min(state.busyUntil - now, 100);
    const at = state ? state.lastAt + delayMs : now;
    if (at > now) return at - now;
    this.save({ ...state, lastAt: now, busyUntil: now + holdMs });
    return 0;
  }

  /** The request is over (response read or abandoned): the delay counts from now. */
  release(now = Date.now()): void {
    const state = this.load();
    this.save({ ...state, lastAt: Math.max(state?.lastAt ?? 0, now), busyUntil: 0 });
  }

  /** The origin's cached robots.txt, while still fresh (RFC 9309: at most 24 hours). */
  robots(origin: string, now = Date.now()): RobotsFile | null {
    const robots = this.load()?.robots?.[origin];
    return robots && now - robots.fetchedAt < ROBOTS_MAX_AGE_MS ? robots : null;
  }

  storeRobots(origin: string, robots: RobotsFile): void {
    const state = this.load();
    this.save({ ...state, lastAt: state?.lastAt ?? 0, robots: { ...state?.robots, [origin]: robots } });
  }

  override async alarm(): Promise<void> {
    const state = this.load();
    if (state && Date.now() - state.lastAt < IDLE_EXPIRY_MS) {
      await this.ctx.storage.setAlarm(state.lastAt + IDLE_EXPIRY_MS);
      return;
    }
    await this.ctx.storage.deleteAll();
    this.cached = undefined;
  }

  private load(): HostState | undefined {
    if (this.cached === null) this.cached = this.ctx.storage.kv.get<HostState>(STATE_KEY);
    return this.cached;
  }

  private save(state: HostState): void {
    const isNew = this.load() === undefined;
    this.cached = state;
    this.ctx.storage.kv.put(STATE_KEY, state);
    if (isNew) void this.ctx.storage.setAlarm(Date.now() + IDLE_EXPIRY_MS);
  }
}
