import { describe, expect, inject, it } from "vitest";
import { perRoundTripDeadline, sharedDeadline } from "../../../src/db/deadline";
import { DatabaseFault } from "../../../src/db/faults";
import { faultChannel } from "../database-faults";
import { signedIn } from "../factories";
import { callWithEnv, problemOf, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

const DATABASE_UNAVAILABLE = "https://detecktiv.co.uk/problems/database_unavailable";

/** A request as `member` through a fresh app whose database is at `endpoint`. */
function sendVia(endpoint: string, member: Member, method: string, path: string, body?: unknown, timeoutMs = 2000) {
  return callWithEnv({ NEON_FETCH_ENDPOINT: endpoint, DATABASE_TIMEOUT_MS: String(timeoutMs) }, path, {
    method,
    headers: { ...member.headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function expectDatabaseUnavailable(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("5");
  const problem = await problemOf(response);
  expect(problem).toMatchObject({ type: DATABASE_UNAVAILABLE, title: "Database unavailable", status: 503 });
  return problem;
}

async function companiesNamed(member: Member, name: string): Promise<number> {
  const [row] = (await sqlAs("owner").query(
    "SELECT count(*)::int AS n FROM companies WHERE tenant_id = $1 AND name = $2",
    [member.tenant.id, name],
  )) as { n: number }[];
  return row?.n ?? -1;
}

describe("database faults: an outage is a 503 database_unavailable, never a 500 or a hang", () => {
  it("with the endpoint refusing connections, reads and writes answer 503 with Retry-After", async () => {
    const owner = await signedIn("owner");
    const refused = inject("refusedNeonEndpoint");
    const read = await expectDatabaseUnavailable(await sendVia(refused, owner, "GET", "/v1/tenant"));
    expect(read.detail).toBe("The database could not be reached; retry shortly.");
    await expectDatabaseUnavailable(await sendVia(refused, owner, "POST", "/v1/companies", { name: "Refused Ltd" }));
    expect(await companiesNamed(owner, "Refused Ltd")).toBe(0);
  });

  it("with an endpoint that accepts and never answers, the request ends at its deadline", {
    timeout: 8000,
  }, async () => {
    const editor = await signedIn("editor");
    const channel = await faultChannel({ otherwise: "hang" });
    try {
      const read = await expectDatabaseUnavailable(
        await sendVia(channel.endpoint, editor, "GET", "/v1/tenant", undefined, 300),
      );
      expect(read.detail).toBe("The database did not answer in time; retry shortly.");
      const write = await sendVia(channel.endpoint, editor, "POST", "/v1/companies", { name: "Hung Ltd" }, 300);
      await expectDatabaseUnavailable(write);
      // A timed-out round trip is not sent again, read or write.
      expect(await channel.requests()).toBe(2);
    } finally {
      await channel.set({ otherwise: "pass" });
    }
    expect(await companiesNamed(editor, "Hung Ltd")).toBe(0);
  });

  it("the endpoint's own 5xx is a 503 database_unavailable", async () => {
    const viewer = await signedIn("viewer");
    const channel = await faultChannel({ otherwise: "error" });
    await expectDatabaseUnavailable(await sendVia(channel.endpoint, viewer, "GET", "/v1/tenant"));
  });

  it.each([
    ["57P03", "the database system is starting up"],
    ["57P01", "terminating connection due to administrator command"],
    ["57P02", "terminating connection because of crash of another server process"],
    ["53300", "too many connections"],
    ["08006", "connection failure"],
    ["08001", "unable to establish connection"],
  ])("SQLSTATE %s (%s) is a 503 database_unavailable", async (sqlstate) => {
    const viewer = await signedIn("viewer");
    const channel = await faultChannel({ otherwise: "postgres_error", sqlstate });
    const problem = await expectDatabaseUnavailable(await sendVia(channel.endpoint, viewer, "GET", "/v1/tenant"));
    expect(problem.detail).toBe("The database is temporarily unavailable; retry shortly.");
  });

  it("a read that got no answer is sent once more and succeeds; a second loss is a 503", async () => {
    const viewer = await signedIn("viewer");
    const once = await faultChannel({ next: ["reset"], otherwise: "pass" });
    const response = await sendVia(once.endpoint, viewer, "GET", "/v1/tenant");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: viewer.tenant.id });
    expect(await once.requests()).toBe(2);

    const twice = await faultChannel({ next: ["reset", "reset"], otherwise: "pass" });
    await expectDatabaseUnavailable(await sendVia(twice.endpoint, viewer, "GET", "/v1/tenant"));
    expect(await twice.requests()).toBe(2);
  });

  it("a write that got no answer is never sent again: 503, and the client's retry decides", async () => {
    const editor = await signedIn("editor");
    const channel = await faultChannel({ next: ["reset"], otherwise: "pass" });
    await expectDatabaseUnavailable(
      await sendVia(channel.endpoint, editor, "POST", "/v1/companies", { name: "Once Ltd" }),
    );
    expect(await channel.requests()).toBe(1);
    expect(await companiesNamed(editor, "Once Ltd")).toBe(0);
  });

  it("a write whose answer was lost after Postgres committed it is a 503, and stays written once", async () => {
    const editor = await signedIn("editor");
    const channel = await faultChannel({ next: ["drop"], otherwise: "pass" });
    await expectDatabaseUnavailable(
      await sendVia(channel.endpoint, editor, "POST", "/v1/companies", { name: "Lost Ltd" }),
    );
    expect(await channel.requests()).toBe(1);
    expect(await companiesNamed(editor, "Lost Ltd")).toBe(1);
  });
});

describe("database deadlines", () => {
  const never = (signal: AbortSignal) =>
    new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));

  it("a request's round trips share one deadline: once it is spent, the next round trip is not sent", async () => {
    const deadline = sharedDeadline(150);
    await expect(deadline.spend(never)).rejects.toMatchObject({ name: "DatabaseFault", kind: "timeout" });
    let sent = false;
    const next = deadline.spend(async () => {
      sent = true;
      return 1;
    });
    await expect(next).rejects.toBeInstanceOf(DatabaseFault);
    expect(sent).toBe(false);
  });

  it("time between round trips is not counted, and queue or cron work gets a fresh deadline per round trip", async () => {
    const shared = sharedDeadline(150);
    await shared.spend(async () => 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(shared.spend(async () => 2)).resolves.toBe(2);

    const perRoundTrip = perRoundTripDeadline(150);
    await expect(perRoundTrip.spend(never)).rejects.toMatchObject({ kind: "timeout" });
    await expect(perRoundTrip.spend(async () => 3)).resolves.toBe(3);
  });
});
