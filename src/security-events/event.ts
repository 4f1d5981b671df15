import type { SecurityEventKind } from "../db/schema/security-events";

/** One observed event, as the edge reports it to the SecurityEventSink. */
export interface SecurityEvent {
  /** The tenant the request named (or the key named), if any; the database keeps it only if it exists. */
  tenantId: string | null;
  kind: SecurityEventKind;
  /** A short machine reason within the kind (e.g. `invalid_token`, `missing_credentials`). */
  reason: string;
  /** The client address (CF-Connecting-IP); cleared after SECURITY_EVENTS_ADDRESS_RETENTION_DAYS. */
  address: string | null;
  /** A rejected API key's SHA-256: the flush tells revoked and expired keys from unknown ones. */
  keyHash: string | null;
}

/** What one flush writes: counts per (tenant, kind, reason, address, key hash). */
export interface AggregatedEvent {
  tenant_id: string | null;
  kind: SecurityEventKind;
  reason: string;
  address: string | null;
  key_hash: string | null;
  count: number;
  first_seen_at: string;
  last_seen_at: string;
}

/** Instances the events are spread over (by client address), so no one object takes a whole attack. */
export const SINK_SHARDS = 4;
