import { DurableObject } from "cloudflare:workers";
import type { Env } from "../config/env";
import { type RobotsFile, robotsMaxAge } from "./robots";

interface HostState {
  /** Milliseconds since the epoch when the last request (slot) started. */
  lastAt: number;
  robots?: RobotsFile;
}

const STATE_KEY = "host";
/** Idle hosts are forgotten a day after their last request (their robots.txt is stale by then). */
const IDLE_EXPIRY_MS = 24 * 60 * 60 * 1000;

/**
 * One instance per host (`host:<host:port>`), shared by every isolate: it spaces requests to the
 * host (one slot per request, each at least the caller's delay after the previous one) and caches
 * the host's robots.txt. Calls run one at a time and do not await, so two consumers can never
 * take the same slot.
 */
export class HostThrottle extends DurableObject<Env> {
  private cached: HostState | undefined | null = null;

  /**
   * Takes the next slot, at least `delayMs` after the previous request to the host, and says how
   * long the caller must wait before sending its request. The delay is the caller's: the host's
   * Crawl-delay once its robots.txt is known, the default before.
   */
  reserve(delayMs: number, now = Date.now()): number {
    const state = this.load();
    const at = state ? Math.max(now, state.lastAt + delayMs) : now;
    this.save({ ...state, lastAt: at });
    return at - now;
  }

  /** The cached robots.txt, while still fresh (RFC 9309: at most 24 hours). */
  robots(now = Date.now()): RobotsFile | null {
    const robots = this.load()?.robots;
    return robots && now - robots.fetchedAt < robotsMaxAge(robots) ? robots : null;
  }

  storeRobots(robots: RobotsFile): void {
    this.save({ lastAt: this.load()?.lastAt ?? 0, robots });
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
