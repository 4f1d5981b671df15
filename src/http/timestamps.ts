import { z } from "@hono/zod-openapi";

/**
 * The Neon HTTP driver returns timestamptz as Postgres prints it (`2026-11-23 13:06:41.123+00`);
 * the API speaks ISO 8601 (`2026-11-23T13:06:41.123Z`).
 */
export function isoTimestamp(value: string): string;
export function isoTimestamp(value: string | null): string | null;
export function isoTimestamp(value: string | null): string | null {
  if (value === null) return null;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2})(?::?(\d{2}))?$/.exec(value);
  if (!match) return new Date(value).toISOString();
  const [, date, time, fraction = "", hours, minutes = "00"] = match;
  return new Date(`${date}T${time}${fraction.slice(0, 4)}${hours}:${minutes}`).toISOString();
}

/** A timestamp in a response: always `toISOString()` form, so exactly 24 characters. */
export const timestampSchema = z.iso.datetime().max(24).openapi({ example: "2026-11-23T13:06:41.123Z" });

/** A timestamp a client sends: any ISO 8601 offset, nanoseconds at most. */
export const timestampInputSchema = z.iso.datetime({ offset: true }).max(35);
