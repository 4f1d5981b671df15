import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neonConfig } from "@neondatabase/serverless";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Unstable_DevWorker } from "wrangler";
import { prepareDatabase, startWorker } from "../../../bench/worker-harness";
import { type LocalDatabase, startLocalDatabase } from "../../../neon-local/local-database";
import { mintDevToken } from "../../../scripts/lib/jwt";
import { committedDocument, operationsOf } from "../openapi/document";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Debian's chromium; CI installs it (.ci/run). Missing is a failure, never a skip.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SECRET = "docs-browser-test-secret-of-32-characters-or-more";
const SCREENSHOT = join(tmpdir(), "detecktiv-docs.png");

let database: LocalDatabase;
let worker: Unstable_DevWorker;
let browser: BrowserContext;
let profile: string;
let origin: string;
let docs: Awaited<ReturnType<typeof openDocs>>;

/** A page that records console errors, page errors and any request that leaves the Worker. */
async function openDocs() {
  const page = await browser.newPage();
  const errors: string[] = [];
  const elsewhere: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) elsewhere.push(request.url());
  });
  const response = await page.goto(`${origin}/docs`);
  await page.getByRole("heading", { name: "Detecktiv API", level: 1 }).waitFor();
  return { page, response, errors, elsewhere };
}

/** Share of pixels that differ from the top-left one, counted by the browser itself. */
async function inkedShare(png: Buffer): Promise<number> {
  const probe = await browser.newPage();
  await probe.setContent(`<img id="shot" src="data:image/png;base64,${png.toString("base64")}">`);
  await probe.locator("#shot").waitFor();
  // A string, so the page receives plain JavaScript whatever the test transform adds.
  const share = await probe.evaluate(`(() => {
    const img = document.getElementById("shot");
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) inked++;
    }
    return inked / (data.length / 4);
  })()`);
  await probe.close();
  return share as number;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
  database = await startLocalDatabase();
  neonConfig.fetchEndpoint = database.fetchEndpoint;
  await prepareDatabase(database);
  worker = await startWorker({
    ENVIRONMENT: "test",
    LOG_LEVEL: "error",
    DATABASE_URL: database.apiUrl,
    NEON_FETCH_ENDPOINT: database.fetchEndpoint,
    JWT_SECRET: SECRET,
  });
  origin = `http://127.0.0.1:${worker.port}`;
  profile = mkdtempSync(join(tmpdir(), "detecktiv-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  // Opened once: rendering the reference is most of this file's time.
  docs = await openDocs();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await database?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe("/docs in headless Chromium, served by the Worker alone", { timeout: 60_000 }, () => {
  it("renders the reference with every operation, from the Worker only, without console errors", async () => {
    const { page, response, errors, elsewhere } = docs;
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);

    const sidebar = page.getByRole("complementary", { name: "Sidebar for Detecktiv API" });
    for (const tag of ["System", "Me", "Tenants", "Members", "API keys", "Companies", "Contacts", "Privacy"]) {
      await sidebar.getByRole("link", { name: tag, exact: true }).waitFor();
    }
    await sidebar.getByRole("button", { name: "Open Group - Companies", exact: true }).click();
    // Every Companies operation of the published document is listed.
    const companies = operationsOf(committedDocument()).filter(({ operation }) =>
      operation.tags?.includes("Companies"),
    );
    expect(companies.length).toBeGreaterThan(5);
    for (const { operation } of companies) {
      await sidebar.getByRole("link", { name: new RegExp(`^${escapeRegExp(operation.summary ?? "")}`) }).waitFor();
    }

    const screenshot = await page.screenshot({ path: SCREENSHOT });
    // The reference fills the page with text; a blank or skeleton-only page inks almost nothing.
    expect(await inkedShare(screenshot)).toBeGreaterThan(0.03);
    expect(errors).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it('"try it" sends GET /v1/me with the bearer token typed into it and shows the 200', async () => {
    const { page, errors, elsewhere } = docs;
    const token = await mintDevToken({ secret: SECRET, subject: "docs|try-it" });
    const sidebar = page.getByRole("complementary", { name: "Sidebar for Detecktiv API" });
    await sidebar.getByRole("button", { name: "Open Group - Me", exact: true }).click();
    // The reference renders operations as they scroll into view: go to it first.
    await sidebar.getByRole("link", { name: /^The signed-in user and their tenants/ }).click();
    await page.getByRole("button", { name: /Test Request.*get \/v1\/me/i }).click();
    const client = page.getByRole("dialog");
    await client.getByRole("button", { name: /^Authentication/ }).click();
    await client.getByPlaceholder("Token").fill(token);

    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === "/v1/me");
    await client
      .getByRole("button", { name: /Send get request/ })
      .first()
      .click();
    const answer = await answered;
    expect(answer.request().headers().authorization).toBe(`Bearer ${token}`);
    expect(answer.status()).toBe(200);
    expect(await answer.json()).toMatchObject({ user: { subject: "docs|try-it" }, memberships: [] });
    await client.getByText("200 OK").waitFor();
    await client.getByText('"docs|try-it"').waitFor();
    expect(errors).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
