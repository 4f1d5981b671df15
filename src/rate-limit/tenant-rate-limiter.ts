import { DurableObject } from "cloudflare:workers";
import type { Env } from "../config/env";
import type { Plan } from "../db/schema/plans";
import type { Decision } from "./decision";
import { type BucketPolicy, type PolicyName, parsePolicies, planPolicy } from "./policy";
import { count, isIdle, type MeterState, nextFlush, sendFlush, utcDay } from "./usage-meter";

interface BucketState {
  tokens: number;
  /** Milliseconds since the epoch of the last refill. */
  updatedAt: number;
  /** The tenant's plan as last pushed by the Worker; absent until learned. */
  plan?: Plan;
  /** That plan's limits, from the plans table. */
  limits?: BucketPolicy;
  /** API requests admitted and not yet written to Postgres (tenant buckets only). */
  meter?: MeterState;
}

/**
 * One decision's question, flat and small: the RPC carries it on every request. `plans` is
 * RATE_LIMIT_PLANS as the caller's config holds it (absent: the defaults and the plans table).
 */
export interface ConsumeRequest {
  cost: number;
  /** `tenant`: the instance is a tenant's; `anonymous`: a client address's; `companies_house`: an API key's. */
  kind: "tenant" | "anonymous" | "companies_house";
  plans?: string;
  /** A tenant's bucket: admitted requests are metered (`api_requests`) for this tenant. */
  tenantId?: string;
  /** Tests drive time through the object instead of sleeping. */
  now?: number;
}

export interface PlanUpdate {
  plan: Plan;
  limits: BucketPolicy;
}

const STATE_KEY = "bucket";
/** An idle bucket is forgotten this long after it has refilled completely. */
const IDLE_EXPIRY_MS = 60 * 60 * 1000;
/**
 * Decisions reach storage at most this long after they were made: the most a crash can forget
 * (README "Rate limits"). A write per decision added ~40 % to the CPU of the call itself.
 */
export const PERSIST_DELAY_MS = 1000;
/** Metered API requests reach Postgres this long after the first of them, in one statement. */
export const FLUSH_DELAY_MS = 30_000;
/** After a failed flush, the next attempt waits this long. */
const FLUSH_RETRY_MS = 60_000;

/**
 * One instance per tenant (named `tenant:<id>`) or per client address (`ip:<address>`), holding
 * a token bucket. A Durable Object runs one call at a time and `consume` has no await, so N
 * concurrent requests against a budget of B admit exactly min(N, B).
 *
 * The bucket in memory is the truth while the instance lives; the object's SQLite storage holds
 * a copy written behind it (at most PERSIST_DELAY_MS later: a pending timer keeps the instance
 * from being evicted) and read when an instance starts. A crash can therefore forget spent
 * tokens, never add spending: the stored copy only ever has as many tokens as memory, or more.
 * Refunds and plan changes, which can add tokens or take them away, are written at once. An
 * alarm deletes the bucket once idle.
 */
export class TenantRateLimiter extends DurableObject<Env> {
  /** The bucket: read from storage once per instance life, then kept here. */
  private cached: BucketState | undefined | null = null;
  /** The write of decisions not yet in storage, when one is due. */
  private pendingWrite: ReturnType<typeof setTimeout> | undefined;
  /** The flush of metered requests to Postgres, when one is due. */
  private pendingFlush: ReturnType<typeof setTimeout> | undefined;

  consume(request: ConsumeRequest): Decision {
    const now = request.now ?? Date.now();
    const state = this.load();
    const name: PolicyName = request.kind === "tenant" ? (state?.plan ?? "free") : request.kind;
    const policy = this.policyOf(request.kind, state, request.plans);
    const tokens = refill(state, policy, now);
    const allowed = tokens >= request.cost;
    const left = allowed ? tokens - request.cost : tokens;
    // Metering an admitted request is one addition here; the rows are written in aggregate.
    const meter =
      allowed && request.tenantId
        ? count(state?.meter ?? { tenantId: request.tenantId, pending: {} }, utcDay(now), 1)
        : state?.meter;
    this.remember({ ...state, tokens: left, updatedAt: now, ...(meter ? { meter } : {}) });
    this.persistSoon();
    if (meter && !isIdle(meter)) this.flushSoon(FLUSH_DELAY_MS);
    const ratePerSecond = policy.perMinute / 60;
    return {
      allowed,
      policy: name,
      planKnown: request.kind !== "tenant" || state?.plan !== undefined,
      planLimits: state?.limits ?? null,
      burst: policy.burst,
      perMinute: policy.perMinute,
      remaining: Math.floor(left),
      resetSeconds: Math.ceil((policy.burst - left) / ratePerSecond),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((request.cost - left) / ratePerSecond)),
    };
  }

  /** Gives tokens back: the request turned out not to be the tenant's (not a member, bad key). */
  refund(cost: number, plans?: string, now = Date.now()): void {
    const state = this.load();
    if (!state) return;
    const policy = this.policyOf("tenant", state, plans);
    // Not the tenant's request: not its usage either.
    const meter = state.meter ? count(state.meter, utcDay(now), -1) : undefined;
    this.remember({
      ...state,
      tokens: Math.min(policy.burst, refill(state, policy, now) + cost),
      updatedAt: now,
      ...(meter ? { meter } : {}),
    });
    this.persistNow();
  }

  /**
   * The tenant's plan changed (or was learned): it applies from the next request. The bucket
   * keeps what it has spent, so an upgrade grants the extra burst at once and a downgrade
   * takes it away.
   */
  setPlan({ plan, limits }: PlanUpdate, plans?: string, now = Date.now()): void {
    const state = this.load();
    if (!state) {
      // Never used yet: starts full (updatedAt 0 refills it completely).
      this.remember({ tokens: 0, updatedAt: 0, plan, limits });
    } else {
      const before = this.policyOf("tenant", state, plans);
      const after = planPolicy(parsePolicies(plans), plan, limits);
      const tokens = refill(state, before, now) + (after.burst - before.burst);
      this.remember({ ...state, tokens: Math.max(0, Math.min(after.burst, tokens)), updatedAt: now, plan, limits });
    }
    this.persistNow();
  }

  /**
   * Writes the metered requests to Postgres (the timer's job; tests call it). A flush keeps its
   * id until Postgres has confirmed it, so one resent after a lost answer counts nothing twice.
   * Returns how many requests were written.
   */
  async flushUsage(): Promise<number> {
    if (this.pendingFlush !== undefined) clearTimeout(this.pendingFlush);
    this.pendingFlush = undefined;
    let written = 0;
    try {
      await this.sendUnsentReports();
      for (;;) {
        const state = this.load();
        const next = state?.meter ? nextFlush(state.meter) : null;
        if (!state || !next) return written;
        this.remember({ ...state, meter: next.meter });
        this.persistNow();
        const report = await sendFlush(this.env, next.meter.tenantId, next.flush);
        written += next.flush.count;
        const after = this.load();
        if (after?.meter) {
          const { inflight: _sent, ...meter } = after.meter;
          this.remember({
            ...after,
            meter: report ? { ...meter, unsent: [...(meter.unsent ?? []), report.reportId] } : meter,
          });
          this.persistNow();
        }
        await this.sendUnsentReports();
      }
    } catch (error) {
      console.warn(
        JSON.stringify({ level: "warn", message: "usage flush failed; retried later", error: String(error) }),
      );
      this.flushSoon(FLUSH_RETRY_MS);
      return written;
    }
  }

  /** Puts written usage reports on the billing queue (a tenant with a Stripe customer has them). */
  private async sendUnsentReports(): Promise<void> {
    const unsent = this.load()?.meter?.unsent ?? [];
    if (unsent.length === 0) return;
    await this.env.BILLING_QUEUE.sendBatch(unsent.map((reportId) => ({ body: { kind: "usage_report", reportId } })));
    const state = this.load();
    if (state?.meter) {
      const meter = { ...state.meter, unsent: (state.meter.unsent ?? []).filter((id) => !unsent.includes(id)) };
      this.remember({ ...state, meter });
      this.persistNow();
    }
  }

  /** Writes the bucket as it stands in memory to storage now (the timer's job; tests call it too). */
  persistNow(): void {
    if (this.pendingWrite !== undefined) clearTimeout(this.pendingWrite);
    this.pendingWrite = undefined;
    const state = this.load();
    // Not awaited for confirmation: no answer waits on a disk write.
    if (state) void this.ctx.storage.put(STATE_KEY, state, { allowUnconfirmed: true });
  }

  /** The bucket as it stands, without consuming (GET /v1/tenant/usage). */
  peek(
    plans?: string,
    now = Date.now(),
  ): { plan: Plan | null; remaining: number; policy: BucketPolicy; unflushedRequests: number } {
    const state = this.load();
    const policy = this.policyOf("tenant", state, plans);
    const meter = state?.meter;
    const unflushedRequests =
      (meter?.inflight?.count ?? 0) + Object.values(meter?.pending ?? {}).reduce((sum, n) => sum + n, 0);
    return { plan: state?.plan ?? null, remaining: Math.floor(refill(state, policy, now)), policy, unflushedRequests };
  }

  override async alarm(): Promise<void> {
    if (!isIdle(this.load()?.meter)) await this.flushUsage();
    const state = this.load();
    // Used within the hour: look again later. Idle for an hour, the bucket is full anyway, and a
    // tenant's plan is cheap to relearn, so the whole state can go.
    if (state && (Date.now() - state.updatedAt < IDLE_EXPIRY_MS || !isIdle(state.meter))) {
      if (this.pendingWrite !== undefined) this.persistNow();
      await this.ctx.storage.setAlarm(Math.max(state.updatedAt + IDLE_EXPIRY_MS, Date.now() + FLUSH_RETRY_MS));
      return;
    }
    if (this.pendingWrite !== undefined) clearTimeout(this.pendingWrite);
    this.pendingWrite = undefined;
    await this.ctx.storage.deleteAll();
    this.cached = undefined;
  }

  private policyOf(kind: ConsumeRequest["kind"], state: BucketState | undefined, plans?: string): BucketPolicy {
    const policies = parsePolicies(plans);
    return kind === "tenant" ? planPolicy(policies, state?.plan, state?.limits) : policies[kind];
  }

  private flushSoon(delayMs: number): void {
    if (this.pendingFlush === undefined) this.pendingFlush = setTimeout(() => void this.flushUsage(), delayMs);
  }

  private load(): BucketState | undefined {
    if (this.cached === null) this.cached = this.ctx.storage.kv.get<BucketState>(STATE_KEY);
    return this.cached;
  }

  private remember(state: BucketState): void {
    const isNew = this.load() === undefined;
    this.cached = state;
    // One alarm per bucket's life; alarm() pushes it back while the bucket is in use.
    if (isNew) void this.ctx.storage.setAlarm(Date.now() + IDLE_EXPIRY_MS, { allowUnconfirmed: true });
  }

  /** Decisions made from now until the timer fires share one write. */
  private persistSoon(): void {
    if (this.pendingWrite === undefined) this.pendingWrite = setTimeout(() => this.persistNow(), PERSIST_DELAY_MS);
  }
}

function refill(state: BucketState | undefined, policy: BucketPolicy, now: number): number {
  if (!state) return policy.burst;
  const elapsedSeconds = Math.max(0, now - state.updatedAt) / 1000;
  return Math.min(policy.burst, state.tokens + elapsedSeconds * (policy.perMinute / 60));
}
