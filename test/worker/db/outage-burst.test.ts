import { describe, expect, it } from "vitest";
import type { FaultAction } from "../../servers/database-fault-plan";
import { faultChannel } from "../database-faults";
import { signedIn } from "../factories";
import { callWithEnv, sendAs, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

const BURST = 24;

/** In order of arrival: up, then dying (answers lost after commit, resets, 5xx, silence), then back. */
const OUTAGE: FaultAction[] = [
  ...Array<FaultAction>(5).fill("pass"),
  ...Array<FaultAction>(4).fill("drop"),
  ...Array<FaultAction>(4).fill("reset"),
  ...Array<FaultAction>(2).fill("error"),
  ...Array<FaultAction>(2).fill("hang"),
  "drop",
];

async function tenantState(member: Member) {
  const owner = sqlAs("owner");
  const companies = (await owner.query(
    `SELECT c.name, (SELECT count(*)::int FROM audit_log a
                      WHERE a.tenant_id = c.tenant_id AND a.target_type = 'company' AND a.target_id = c.id::text
                        AND a.action = 'company.created') AS audited
       FROM companies c WHERE c.tenant_id = $1`,
    [member.tenant.id],
  )) as { name: string; audited: number }[];
  const [keys] = (await owner.query(
    "SELECT count(*)::int AS total, count(*) FILTER (WHERE status IS NULL)::int AS in_progress FROM idempotency_keys WHERE tenant_id = $1",
    [member.tenant.id],
  )) as { total: number; in_progress: number }[];
  if (!keys) throw new Error("no idempotency figures");
  return { companies, keys };
}

describe("a burst of keyed creates while the database dies and comes back", () => {
  it("leaves no row without its audit entry, no key in progress, and every key creates once", async () => {
    const editor = await signedIn("editor");
    const channel = await faultChannel({ next: OUTAGE, otherwise: "pass" });
    const requests = Array.from({ length: BURST }, (_, i) => ({
      key: `burst-${i}-${crypto.randomUUID()}`,
      body: { name: `Burst ${i} Ltd` },
    }));
    const during = await Promise.all(
      requests.map(({ key, body }) =>
        callWithEnv({ NEON_FETCH_ENDPOINT: channel.endpoint, DATABASE_TIMEOUT_MS: "1000" }, "/v1/companies", {
          method: "POST",
          headers: { ...editor.headers, "content-type": "application/json", "idempotency-key": key },
          body: JSON.stringify(body),
        }),
      ),
    );
    await channel.set({ otherwise: "pass" });
    const statuses = during.map((response) => response.status);
    // Every answer is a success or a retryable 503: no 500, no 409 for a key left in progress.
    expect(statuses.every((status) => status === 201 || status === 503)).toBe(true);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThanOrEqual(OUTAGE.length - 5);
    for (const response of during.filter((r) => r.status === 503)) {
      expect(response.headers.get("retry-after")).toBe("5");
      expect(((await response.json()) as { type: string }).type).toBe(
        "https://detecktiv.co.uk/problems/database_unavailable",
      );
    }

    const after = await tenantState(editor);
    expect(after.companies.every((company) => company.audited === 1)).toBe(true);
    expect(after.keys.in_progress).toBe(0);
    // Answers lost after the commit: written although the client saw a 503.
    expect(after.companies.length).toBeGreaterThan(statuses.filter((status) => status === 201).length);

    // The clients retry every key, twice: each key's company exists once, the same one.
    const replays = await Promise.all(
      requests.map(({ key, body }) => sendAs(editor, "POST", "/v1/companies", body, { "idempotency-key": key })),
    );
    expect(replays.map((response) => response.status)).toEqual(Array(BURST).fill(201));
    const created = (await Promise.all(replays.map((response) => response.json()))) as { id: string; name: string }[];
    const again = await Promise.all(
      requests.map(({ key, body }) => sendAs(editor, "POST", "/v1/companies", body, { "idempotency-key": key })),
    );
    expect(again.map((response) => response.headers.get("idempotent-replayed"))).toEqual(Array(BURST).fill("true"));
    expect(((await Promise.all(again.map((r) => r.json()))) as { id: string }[]).map((c) => c.id)).toEqual(
      created.map((c) => c.id),
    );

    const final = await tenantState(editor);
    expect(final.companies.map((company) => company.name).sort()).toEqual(
      requests.map((request) => request.body.name).sort(),
    );
    expect(final.companies.every((company) => company.audited === 1)).toBe(true);
    expect(final.keys).toEqual({ total: BURST, in_progress: 0 });
  });
});
