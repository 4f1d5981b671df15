import { z } from "@hono/zod-openapi";

const UTC = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?\+00$/;

/**
 * The Neon HTTP driver returns timestamptz as Postgres prints it (`2026-11-23 13:06:41.123+00`);
 * the API speaks ISO 8601 (`2026-11-23T13:06:41.123Z`).
 */
export function isoTimestamp(value: string): string;
export function isoTimestamp(value: string | null): string | null;
export function isoTimestamp(value: string | null): string | null {
  if (value === null) return null;
  // Postgres in UTC, as Neon and the local server answer: the ISO form by slicing, without the
  // Date parse and toISOString that cost ~3 µs per value (four per company in a list of 50).
  if (UTC.test(value)) {
    return `${value.slice(0, 10)}T${value.slice(11, 19)}.${value.slice(20, -3).padEnd(3, "0").slice(0, 3)}Z`;
  }
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2})(?::?(\d{2}))?$/.exec(value);
  if (!match) return new Date(value).toISOString();
  const [, date, time, fraction = "", hours, minutes = "00"] = match;
  return new Date(`${date}T${time}${fraction.slice(0, 4)}${hours}:${minutes}`).toISOString();
}

/** A timestamp in a response: always `toISOString()` form, so exactly 24 characters. */
export const timestampSchema = z.iso.datetime().max(24).openapi({ example: "2026-11-23T13:06:41.123Z" });

/** A timestamp a client sends: any ISO 8601 offset, nanoseconds at most. */
export const timestampInputSchema = z.iso.datetime({ offset: true }).max(35);
