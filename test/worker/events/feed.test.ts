import { describe, expect, it } from "vitest";
import { type EventBody, eventSchema } from "../../../src/routes/events/schemas";
import { signedIn } from "../factories";
import { problemOf, sendAs, sqlAs } from "../harness";
import { eventually } from "../webhooks/receiver";

type Member = Awaited<ReturnType<typeof signedIn>>;

const number = () => String(Math.floor(Math.random() * 1e8)).padStart(8, "0");

async function feed(member: Member, query = ""): Promise<{ items: EventBody[]; next_cursor: string | null }> {
  const response = await sendAs(member, "GET", `/v1/events${query}`);
  if (response.status !== 200) throw new Error(`feed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { items: unknown[]; next_cursor: string | null };
  return { items: body.items.map((item) => eventSchema.parse(item)), next_cursor: body.next_cursor };
}

/**
 * Every event the feed has for this member, following `after` from the start, without the
 * `member.added` of the fixture that signed the member in.
 */
async function allEvents(member: Member, after?: string): Promise<EventBody[]> {
  return (await everyEvent(member, after)).filter((event) => event.type !== "member.added");
}

/**
 * The feed shows an event once every older transaction in the database has ended (README
 * "Events"): on a busy shared Postgres (npm run test:pg) a concurrent test's transaction can
 * hold it back for a moment, so tests wait for what they expect to appear.
 */
async function eventsUntil(member: Member, ready: (events: EventBody[]) => boolean): Promise<EventBody[]> {
  return eventually(async () => {
    const events = await allEvents(member);
    return ready(events) ? events : undefined;
  });
}

async function everyEvent(member: Member, after?: string): Promise<EventBody[]> {
  const seen: EventBody[] = [];
  let cursor = after;
  for (;;) {
    const page = await feed(member, `?limit=100${cursor ? `&after=${cursor}` : ""}`);
    seen.push(...page.items);
    cursor = page.items.at(-1)?.id ?? cursor;
    if (!page.next_cursor) return seen;
  }
}

async function createCompany(member: Member, body: Record<string, unknown> = {}) {
  const response = await sendAs(member, "POST", "/v1/companies", { name: "Events Ltd", ...body });
  if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; version: number };
}

describe("GET /v1/events", () => {
  it("tells a company's life in order: created, updated (changed fields only), deleted, restored", async () => {
    const editor = await signedIn("editor");
    const company = await createCompany(editor, { company_number: number(), tags: ["msp"] });
    const patched = await sendAs(editor, "PATCH", `/v1/companies/${company.id}`, { name: "Events Renamed Ltd" });
    expect(patched.status).toBe(200);
    expect((await sendAs(editor, "DELETE", `/v1/companies/${company.id}`)).status).toBe(204);
    expect((await sendAs(editor, "POST", `/v1/companies/${company.id}/restore`)).status).toBe(200);

    const events = await eventsUntil(editor, (found) => found.length >= 4);
    expect(events.map((event) => event.type)).toEqual([
      "company.created",
      "company.updated",
      "company.deleted",
      "company.restored",
    ]);
    const [created, updated] = events;
    expect(created?.data).toMatchObject({ id: company.id, name: "Events Ltd", tags: ["msp"], source: "manual" });
    expect(created?.data).not.toHaveProperty("tenant_id");
    expect(created?.data).not.toHaveProperty("name_key");
    expect(updated?.data).toEqual({ id: company.id, name: "Events Renamed Ltd", changed: ["name"] });
    expect(created?.request_id).toEqual(expect.any(String));
  });

  it("records nothing for a change that rolled back", async () => {
    const editor = await signedIn("editor");
    const taken = number();
    await createCompany(editor, { company_number: taken });
    const duplicate = await sendAs(editor, "POST", "/v1/companies", { name: "Twin Ltd", company_number: taken });
    expect(duplicate.status).toBe(409);
    await eventsUntil(editor, (found) => found.length >= 1);
    const events = await allEvents(editor);
    expect(events.map((event) => event.type)).toEqual(["company.created"]);
  });

  it("pages with `after`, filters by type and resource, and refuses unknown types", async () => {
    const editor = await signedIn("editor");
    for (const name of ["One Ltd", "Two Ltd", "Three Ltd"]) await createCompany(editor, { name });
    await eventsUntil(editor, (found) => found.length >= 3);
    const first = await feed(editor, "?type=company.*&limit=2");
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).toBe(first.items[1]?.id);
    const rest = await feed(editor, `?type=company.*&after=${first.next_cursor}`);
    expect(rest.items.map((event) => event.data.name)).toEqual(["Three Ltd"]);
    expect(rest.next_cursor).toBeNull();

    const company = await createCompany(editor, { name: "Contacts Ltd" });
    const contact = await sendAs(editor, "POST", `/v1/companies/${company.id}/contacts`, {
      name: "Cora Contact",
      lawful_basis: "legitimate_interests",
    });
    expect(contact.status).toBe(201);
    await eventsUntil(editor, (found) => found.length >= 5);
    expect((await feed(editor, "?type=contact.*")).items.map((event) => event.type)).toEqual(["contact.created"]);
    expect((await feed(editor, "?type=contact.created,company.deleted")).items).toHaveLength(1);
    const refused = await sendAs(editor, "GET", "/v1/events?type=company.exploded");
    expect(refused.status).toBe(400);
    expect((await problemOf(refused)).errors?.[0]?.field).toBe("query.type");
  });

  it("shows only the caller's tenant", async () => {
    const mine = await signedIn("viewer");
    const theirs = await signedIn("editor");
    await createCompany(theirs, { name: "Not Yours Ltd" });
    expect(await allEvents(mine)).toEqual([]);
    // Even as the API role in raw SQL, with no tenant filter, another tenant's events are invisible.
    const [row] = await sqlAs("app_api").query("SELECT count(*)::int AS n FROM events");
    expect(row).toEqual({ n: 0 });
  });

  it("after an erasure, the person's events keep only ids, and privacy.erased holds no personal data", async () => {
    const admin = await signedIn("admin");
    const company = await createCompany(admin);
    const email = `erase.me.${crypto.randomUUID().slice(0, 6)}@example.co.uk`;
    const added = await sendAs(admin, "POST", `/v1/companies/${company.id}/contacts`, {
      name: "Erin Erasable",
      email,
      job_title: "CTO",
      lawful_basis: "legitimate_interests",
    });
    const contact = (await added.json()) as { id: string };
    expect((await sendAs(admin, "PATCH", `/v1/contacts/${contact.id}`, { job_title: "CIO" })).status).toBe(200);
    const before = (await eventsUntil(admin, (found) => found.length >= 3)).filter((event) =>
      event.type.startsWith("contact."),
    );
    expect(before.map((event) => event.type)).toEqual(["contact.created", "contact.updated"]);
    expect(before[0]?.data).toMatchObject({ name: "Erin Erasable", email });

    expect((await sendAs(admin, "POST", "/v1/privacy/erase", { email })).status).toBe(200);
    const after = await eventsUntil(admin, (found) => found.some((event) => event.type === "privacy.erased"));
    const text = JSON.stringify(after);
    expect(text).not.toContain("Erin");
    expect(text).not.toContain("erase.me");
    expect(text).not.toContain("CIO");
    const contactEvents = after.filter((event) => event.type.startsWith("contact."));
    expect(contactEvents.map((event) => event.type)).toEqual(["contact.created", "contact.updated", "contact.deleted"]);
    for (const event of contactEvents) {
      expect(event.data).toEqual({
        id: contact.id,
        company_id: company.id,
        ...(event.type === "contact.deleted" ? {} : { redacted: true }),
      });
    }
    const erased = after.find((event) => event.type === "privacy.erased");
    expect(erased?.data).toEqual({
      receipt_id: expect.any(String),
      subject_kind: "email",
      counts: { contacts: 1 },
      erased_at: expect.any(String),
    });
  });

  it("never lets a cursor pass an event whose transaction commits late", async () => {
    const editor = await signedIn("editor");
    const owner = sqlAs("owner");
    // A transaction that records an event (lower id), then stays open while a later one commits.
    const slow = owner.transaction([
      owner.query(
        `INSERT INTO events (tenant_id, type, resource_type, resource_id, data)
         VALUES ($1, 'company.updated', 'company', 'slow', '{"slow": true}')`,
        [editor.tenant.id],
      ),
      owner.query("SELECT pg_sleep(1.5)"),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await createCompany(editor, { name: "Quick Ltd" });
    // A client polling meanwhile, following its cursor.
    const seen = await allEvents(editor);
    await slow;
    const everything = [...seen];
    await eventually(async () => {
      everything.push(...(await allEvents(editor, everything.at(-1)?.id)));
      return everything.length >= 2 ? true : undefined;
    });
    expect(everything.map((event) => event.data.slow ?? event.data.name).sort()).toEqual(["Quick Ltd", true].sort());
    expect(new Set(everything.map((event) => event.id)).size).toBe(2);
  });
});
