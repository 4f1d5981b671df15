import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";

// Every entry says why it is there: a list that only grows, silently, is how findings get ignored.
const reason = z.string().trim().min(20, "a reason of at least 20 characters: what the value is and why it is safe");

export const SecretAllowEntry = z.strictObject({
  /** secretlint rule id, e.g. `@secretlint/secretlint-rule-basicauth`. */
  rule: z.string().min(1),
  /** As the scan prints it: `sha256:` and the first 16 hex digits of the hash of the matched text. */
  fingerprint: z.string().regex(/^sha256:[0-9a-f]{16}$/),
  /** Where the value may appear: repository paths or globs (`path.matchesGlob`). */
  files: z.array(z.string().min(1)).min(1),
  reason,
});
export type SecretAllowEntry = z.infer<typeof SecretAllowEntry>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");

export const AuditAllowEntry = z.strictObject({
  /** The advisory: `GHSA-xxxx-xxxx-xxxx` (from its URL), or `npm:<number>` when it has none. */
  advisory: z.string().regex(/^(GHSA(-[23456789cfghjmpqrvwx]{4}){3}|npm:\d+)$/),
  /** The vulnerable package the advisory is about. */
  package: z.string().min(1),
  reason,
  /** After this day the entry no longer counts: look again, then move the date or fix. */
  reviewBy: isoDate,
});
export type AuditAllowEntry = z.infer<typeof AuditAllowEntry>;

/** Reads `{ "$comment"?: "...", "allow": [...] }`; a missing file is an empty list, a malformed one an error that names the entry. */
export function readAllowList<T>(path: string, entry: z.ZodType<T>): T[] {
  if (!existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = z.strictObject({ $comment: z.string().optional(), allow: z.array(entry) }).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new Error(`${path}: invalid allow-list\n${problems.join("\n")}`);
  }
  return parsed.data.allow;
}
