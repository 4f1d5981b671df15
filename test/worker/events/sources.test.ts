import { describe, expect, it } from "vitest";
import type { EventBody } from "../../../src/routes/events/schemas";
import { signedIn } from "../factories";
import { sendAs, sqlAs } from "../harness";
import { deliver, queuedJob } from "../scrape";
import { bearer, hsToken } from "../tokens";
import { eventually, Receiver } from "../webhooks/receiver";

type Member = Awaited<ReturnType<typeof signedIn>>;

/** The feed's events of a type once at least `count` are visible (see events/feed.test.ts). */
async function eventsOf(member: Member, type: string, count = 1): Promise<EventBody[]> {
  return eventually(async () => {
    const response = await sendAs(member, "GET", `/v1/events?limit=100&type=${type}`);
    const { items } = (await response.json()) as { items: EventBody[] };
    return items.length >= count ? items : undefined;
  });
}

describe("events from imports, scrapes and memberships", () => {
  it("an import tells company.created, company.imported and its officers' contact.created", async () => {
    const editor = await signedIn("editor");
    const n = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
    const response = await sendAs(editor, "POST", "/v1/companies/import", { company_number: n });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const company = await eventsOf(editor, "company.*", 2);
    expect(company.map((event) => event.type)).toEqual(["company.created", "company.imported"]);
    expect(company[1]?.data).toMatchObject({ id, company_number: n, created: true });
    // Two officers and one person with significant control, each a contact of the company.
    const contacts = await eventsOf(editor, "contact.created", 3);
    expect(contacts.map((event) => event.data.company_id)).toEqual([id, id, id]);
  });

  it("a finished scrape tells scrape_job.succeeded, pushed by the queue consumer itself", async () => {
    const admin = await signedIn("admin");
    const receiver = new Receiver();
    const created = await sendAs(admin, "POST", "/v1/webhook-endpoints", {
      url: receiver.url,
      enabled_events: ["scrape_job.succeeded"],
    });
    const { secret } = (await created.json()) as { secret: string };
    await receiver.set({ secrets: [secret] });
    const { jobId, companyId } = await queuedJob(admin, "basic");
    expect((await deliver([jobId])).explicitAcks).toHaveLength(1);
    const [event] = await eventsOf(admin, "scrape_job.*");
    expect(event).toMatchObject({ type: "scrape_job.succeeded", data: { id: jobId, company_id: companyId } });
    const [received] = await receiver.waitFor(1);
    expect(received?.verified).toEqual([true]);
    expect(JSON.parse(received?.body ?? "{}")).toMatchObject({ id: event?.id, type: "scrape_job.succeeded" });
  });

  it("members are told by user id and role, never by name or email", async () => {
    const owner = await signedIn("owner");
    const email = `joiner-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const invited = await sendAs(owner, "POST", "/v1/invitations", { email, role: "editor" });
    expect(invited.status).toBe(201);
    const { token } = (await invited.json()) as { token: string };
    const joiner = { headers: bearer(await hsToken(`joiner|${crypto.randomUUID()}`, { email })) };
    expect((await sendAs(joiner, "POST", "/v1/invitations/accept", { token })).status).toBe(200);
    const [user] = (await sqlAs("owner").query("SELECT id::text FROM users WHERE email = $1", [email])) as {
      id: string;
    }[];
    expect((await sendAs(owner, "DELETE", `/v1/members/${user?.id}`)).status).toBe(204);
    const events = await eventsOf(owner, "member.*", 3);
    expect(events.slice(1).map((event) => [event.type, event.data])).toEqual([
      ["member.added", { user_id: user?.id, role: "editor" }],
      ["member.removed", { user_id: user?.id }],
    ]);
    expect(JSON.stringify(events)).not.toContain("@example.test");
  });
});
