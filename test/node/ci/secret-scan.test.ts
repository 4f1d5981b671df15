/**
 * The secret scan of CI (scripts/ci/secret-scan.ts) on throwaway git repositories holding freshly
 * made, realistic secrets (none is written in this file, or the repository scan below would find
 * it), and on this repository itself.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runCiScript } from "./run-script";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64URL = `${ALPHANUMERIC}-_`;
const random = (length: number, alphabet = ALPHANUMERIC) =>
  Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join("");

// Each made the way its issuer makes them; prefixes split so no source line matches a rule.
const secrets = {
  awsKeyId: `AK${"IA"}${random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
  awsSecret: random(40),
  stripe: `sk_${"live"}_${random(99)}`,
  github: `gh${"p"}_${random(36)}`,
  privateKey: generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString(),
  databaseUrl: `postgres${"ql"}://app_api:${random(24)}@ep-quiet-sky-123456.eu-west-2.aws.neon.tech/neondb`,
  apiKey: `dt${"k"}_${random(22)}_${random(43)}`,
  operatorKey: `do${"p"}_${random(43, BASE64URL)}`,
  invitation: `dt${"i"}_${random(43, BASE64URL)}`,
  webhookSecret: `whse${"c"}_${randomBytes(32).toString("base64")}`,
};

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function makeRepository(): {
  dir: string;
  git: (...args: string[]) => string;
  write: (path: string, text: string) => void;
} {
  const dir = mkdtempSync(join(tmpdir(), "secret-scan-"));
  tempDirs.push(dir);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
      cwd: dir,
    }).toString();
  git("init", "--quiet");
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write("README.md", "a repository\n");
  git("add", ".");
  git("commit", "--quiet", "-m", "start");
  return { dir, git, write };
}

const fingerprints = (output: string) => [...output.matchAll(/fingerprint (sha256:[0-9a-f]{16})/g)].map((m) => m[1]);

describe("secret scan", () => {
  it("finds realistic AWS, Stripe, GitHub, private-key, database and Detecktiv secrets, and prints none", () => {
    const repo = makeRepository();
    repo.write(
      "src/config.ts",
      [
        `export const awsAccessKeyId = "${secrets.awsKeyId}";`,
        `export const aws_secret_access_key = "${secrets.awsSecret}";`,
        `export const stripeKey = "${secrets.stripe}";`,
        `export const githubToken = "${secrets.github}";`,
        `export const databaseUrl = "${secrets.databaseUrl}";`,
        `export const apiKey = "${secrets.apiKey}";`,
        `export const operatorKey = "${secrets.operatorKey}";`,
        `export const invitation = "${secrets.invitation}";`,
        `export const webhookSecret = "${secrets.webhookSecret}";`,
      ].join("\n"),
    );
    repo.write("deploy/signing.pem", secrets.privateKey);
    repo.git("add", ".");

    const run = runCiScript("secret-scan", [], repo.dir);

    expect(run.status).toBe(1);
    for (const rule of [
      "@secretlint/secretlint-rule-aws",
      "@secretlint/secretlint-rule-stripe",
      "@secretlint/secretlint-rule-github",
      "@secretlint/secretlint-rule-database-connection-string",
      "@secretlint/secretlint-rule-pattern",
    ]) {
      expect(run.output).toContain(`src/config.ts`);
      expect(run.output).toContain(rule);
    }
    expect(run.output).toMatch(/deploy\/signing\.pem:1:1\n {2}@secretlint\/secretlint-rule-privatekey/);
    expect(run.output).toContain("@secretlint/secretlint-rule-pattern: found matching Detecktiv API key: ****");
    for (const name of ["Detecktiv operator key", "Detecktiv invitation token", "webhook signing secret"]) {
      expect(run.output).toContain(`@secretlint/secretlint-rule-pattern: found matching ${name}: ****`);
    }
    expect(run.output).toMatch(/secret scan: 3 files, 0 history blobs; 10 findings, 0 allow-listed, 10 not/);
    for (const value of [
      secrets.awsKeyId,
      secrets.awsSecret,
      secrets.stripe,
      secrets.github,
      secrets.apiKey,
      secrets.operatorKey,
      secrets.invitation,
      secrets.webhookSecret,
      secrets.databaseUrl,
    ]) {
      expect(run.output).not.toContain(value);
    }
    expect(run.output).not.toContain("BEGIN PRIVATE KEY");
  });

  it("finds a secret that only history still holds, and names the commit that added it", () => {
    const repo = makeRepository();
    repo.write("scripts/pay.ts", `const key = "${secrets.stripe}";\n`);
    repo.git("add", ".");
    repo.git("commit", "--quiet", "-m", "oops");
    const added = repo.git("rev-parse", "--short", "HEAD").trim();
    unlinkSync(join(repo.dir, "scripts/pay.ts"));
    repo.git("commit", "--quiet", "-am", "remove the key");

    const run = runCiScript("secret-scan", [], repo.dir);
    expect(run.status).toBe(1);
    expect(run.output).toContain(`scripts/pay.ts:1:14 (history only: added in ${added} `);
    expect(run.output).toContain("@secretlint/secretlint-rule-stripe");

    // The working tree alone is clean: only the history scan catches it.
    expect(runCiScript("secret-scan", ["--no-history"], repo.dir).status).toBe(0);
  });

  it("refuses a committed .dev.vars, whatever it holds", () => {
    const repo = makeRepository();
    repo.write(".dev.vars", "JWT_SECRET=whatever\n");
    repo.git("add", "--force", ".dev.vars");
    const run = runCiScript("secret-scan", [], repo.dir);
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/\.dev\.vars:1:1\n {2}@secretlint\/secretlint-rule-pattern: .*local secrets file/);
  });

  it("lets an allow-listed value pass in the files its entry names, and nowhere else", () => {
    const repo = makeRepository();
    const fixture = `const url = "${secrets.databaseUrl}";\n`;
    repo.write("test/fixture.ts", fixture);
    repo.git("add", ".");
    const [fingerprint] = fingerprints(runCiScript("secret-scan", [], repo.dir).output);
    repo.write(
      ".ci/secret-scan-allow.json",
      JSON.stringify({
        allow: [
          {
            rule: "@secretlint/secretlint-rule-database-connection-string",
            fingerprint,
            files: ["test/**"],
            reason: "a made-up password for the connection-string parser's tests",
          },
        ],
      }),
    );
    const allowed = runCiScript("secret-scan", [], repo.dir);
    expect(allowed.status).toBe(0);
    expect(allowed.output).toContain("1 findings, 1 allow-listed, 0 not");

    repo.write("src/db.ts", fixture);
    const elsewhere = runCiScript("secret-scan", [], repo.dir);
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.output).toContain("src/db.ts:1:14");
    expect(elsewhere.output).not.toContain("test/fixture.ts:1");
  });

  it("refuses an entry without a reason, and fails on an entry that matches nothing", () => {
    const repo = makeRepository();
    const entry = {
      rule: "@secretlint/secretlint-rule-stripe",
      fingerprint: "sha256:0123456789abcdef",
      files: ["src/pay.ts"],
    };
    repo.write(".ci/secret-scan-allow.json", JSON.stringify({ allow: [{ ...entry, reason: "" }] }));
    const noReason = runCiScript("secret-scan", [], repo.dir);
    expect(noReason.status).toBe(2);
    expect(noReason.output).toMatch(/invalid allow-list\n {2}allow\.0\.reason: a reason of at least 20 characters/);

    repo.write(
      ".ci/secret-scan-allow.json",
      JSON.stringify({ allow: [{ ...entry, reason: "the key of a Stripe account closed in 2025" }] }),
    );
    const stale = runCiScript("secret-scan", [], repo.dir);
    expect(stale.status).toBe(1);
    expect(stale.output).toContain(
      ".ci/secret-scan-allow.json: entry @secretlint/secretlint-rule-stripe sha256:0123456789abcdef matches nothing any more",
    );
  });

  it("finds this repository clean, history included, with each allow-listed value explained", () => {
    const run = runCiScript("secret-scan", [], ROOT);
    expect(run.output).toMatch(/secret scan: \d+ files, \d+ history blobs(?: \(shallow clone\))?; \d+ findings/);
    expect(run.output).toMatch(/, 0 not\n/);
    expect(run.status).toBe(0);
  });
});
