/**
 * The dependency audit of CI (scripts/ci/audit.ts) on saved `npm audit --json` outputs: each shape
 * npm prints (a report, an endpoint that refuses, a registry out of reach, a local error) and the
 * allow-list rules. Tests never reach the registry; CI's own step does.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCiScript } from "./run-script";

const dir = mkdtempSync(join(tmpdir(), "audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const saved = (value: unknown) => {
  const path = join(dir, `${++files}.json`);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
const emptyAllowList = saved({ allow: [] });
const audit = (report: unknown, allowList = emptyAllowList) =>
  runCiScript("audit", ["--report", saved(report), "--allow-list", allowList]);

// As @npmcli/arborist writes it: the advisory under the vulnerable package, its dependents by name.
const advisory = {
  source: 1101163,
  name: "semver",
  dependency: "semver",
  title: "semver vulnerable to Regular Expression Denial of Service",
  url: "https://github.com/advisories/GHSA-c2qf-rxjj-qqgw",
  severity: "moderate",
  cwe: ["CWE-1333"],
  cvss: { score: 5.3, vectorString: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L" },
  range: ">=7.0.0 <7.5.2",
};
const reportWithFinding = {
  auditReportVersion: 2,
  vulnerabilities: {
    semver: {
      name: "semver",
      severity: "moderate",
      isDirect: false,
      via: [advisory],
      effects: ["make-dir"],
      range: "7.0.0 - 7.5.1",
      nodes: ["node_modules/semver"],
      fixAvailable: true,
    },
    "make-dir": {
      name: "make-dir",
      severity: "moderate",
      isDirect: true,
      via: ["semver"],
      effects: [],
      range: "3.0.0 - 4.0.0",
      nodes: ["node_modules/make-dir"],
      fixAvailable: true,
    },
  },
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 2, high: 0, critical: 0, total: 2 } },
};
const allowSemver = (reviewBy: string) =>
  saved({
    allow: [
      {
        advisory: "GHSA-c2qf-rxjj-qqgw",
        package: "semver",
        reason: "only build tooling parses version ranges, never with input from a request",
        reviewBy,
      },
    ],
  });

describe("dependency audit", () => {
  it("passes a clean report", () => {
    const run = audit({ auditReportVersion: 2, vulnerabilities: {}, metadata: {} });
    expect(run.status).toBe(0);
    expect(run.output).toContain("dependency audit (--omit=dev): 0 advisories, 0 allow-listed, 0 not");
  });

  it("fails on an advisory, once per advisory however many packages it reaches", () => {
    const run = audit(reportWithFinding);
    expect(run.status).toBe(1);
    expect(run.output).toContain(
      "FINDING: moderate semver >=7.0.0 <7.5.2: semver vulnerable to Regular Expression Denial of Service (GHSA-c2qf-rxjj-qqgw, https://github.com/advisories/GHSA-c2qf-rxjj-qqgw)",
    );
    expect(run.output).toContain("1 advisories, 0 allow-listed, 1 not");
    expect(run.output).not.toContain("make-dir");
  });

  it("lets an allow-listed advisory pass until its review date, and fails it after", () => {
    const allowed = audit(reportWithFinding, allowSemver("2999-12-31"));
    expect(allowed.status).toBe(0);
    expect(allowed.output).toContain("allowed until 2999-12-31: moderate semver");

    const expired = audit(reportWithFinding, allowSemver("2020-01-31"));
    expect(expired.status).toBe(1);
    expect(expired.output).toContain("REVIEW EXPIRED 2020-01-31: moderate semver");
  });

  it("names advisories without a GHSA id by their npm number, and only allows the package listed", () => {
    const npmOnly = { ...advisory, url: null, name: "make-dir", dependency: "make-dir", source: 42 };
    const report = {
      auditReportVersion: 2,
      vulnerabilities: { "make-dir": { name: "make-dir", via: [npmOnly] } },
    };
    const otherPackage = saved({
      allow: [
        {
          advisory: "npm:42",
          package: "semver",
          reason: "listed for another package than the finding",
          reviewBy: "2999-12-31",
        },
      ],
    });
    const run = audit(report, otherPackage);
    expect(run.status).toBe(1);
    expect(run.output).toContain(
      "FINDING: moderate make-dir >=7.0.0 <7.5.2: semver vulnerable to Regular Expression Denial of Service (npm:42)",
    );
    expect(run.output).toContain("lists npm:42 semver, which the audit no longer reports; remove it");
  });

  it("says the dependencies were not audited, and passes, when the endpoint refuses or cannot be reached", () => {
    const refused = audit({
      message: "405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk",
      method: "POST",
      uri: "https://registry.example/-/npm/v1/security/advisories/bulk",
      statusCode: 405,
      body: "",
      error: { summary: "", detail: "" },
    });
    expect(refused.status).toBe(0);
    expect(refused.output).toContain(
      "NOTICE: dependencies NOT audited: the registry did not answer the audit endpoint (405",
    );
    expect(refused.output).not.toContain("advisories,");

    const unreachable = audit({
      message:
        "request to https://registry.example/-/npm/v1/security/advisories/bulk failed, reason: getaddrinfo ENOTFOUND registry.example",
      error: { summary: "", detail: "" },
    });
    expect(unreachable.status).toBe(0);
    expect(unreachable.output).toContain("NOTICE: dependencies NOT audited");
  });

  it("fails, without calling it a finding, when npm audit itself cannot run or the allow-list is wrong", () => {
    const noLockfile = audit({ error: { code: "ENOLOCK", summary: "This command requires an existing lockfile." } });
    expect(noLockfile.status).toBe(2);
    expect(noLockfile.output).toContain("dependency audit could not run: npm audit failed");
    expect(noLockfile.output).toContain("ENOLOCK");

    const noDate = saved({ allow: [{ advisory: "GHSA-c2qf-rxjj-qqgw", package: "semver", reason: "x".repeat(30) }] });
    const invalid = audit(reportWithFinding, noDate);
    expect(invalid.status).toBe(2);
    expect(invalid.output).toContain("allow.0.reviewBy");
  });
});
