/**
 * npm run ci:audit — the dependency audit of CI: `npm audit --omit=dev --json` (every severity, low
 * and up). An advisory fails unless `.ci/audit-allow.json` lists it with a reason and a review date
 * that has not passed. When the registry does not answer the audit endpoint (this workplace's
 * registry refuses it with 405) the step prints a notice and passes: that is "not audited", never
 * "no findings", and the same step fails on findings wherever the endpoint answers.
 *
 *   tsx scripts/ci/audit.ts [--report <npm audit --json output>] [--allow-list <file>]
 * Exit: 0 clean, all allow-listed, or endpoint unreachable; 1 findings or expired entries; 2 could not run.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { AuditAllowEntry, readAllowList } from "./allow-list";

const ROOT = join(import.meta.dirname, "../..");

// npm's audit report v2 (@npmcli/arborist AuditReport.toJSON): per vulnerable package, `via` holds
// the advisories themselves (objects) or the names of vulnerable dependencies it pulls in (strings).
const Advisory = z.looseObject({
  source: z.number(),
  name: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  severity: z.string(),
  range: z.string(),
});
const Report = z.looseObject({
  auditReportVersion: z.literal(2),
  vulnerabilities: z.record(z.string(), z.looseObject({ via: z.array(z.union([z.string(), Advisory])) })),
});
// What `npm audit --json` prints when the endpoint fails: HTTP errors carry statusCode, network
// errors only the message ("request to ... failed, reason: connect ECONNREFUSED ...").
const EndpointFailure = z.looseObject({ message: z.string(), statusCode: z.number().optional() });
const NETWORK_ERROR =
  /request to \S+ failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH/;

type Finding = z.infer<typeof Advisory> & { id: string };

const advisoryId = (advisory: z.infer<typeof Advisory>) =>
  /\/(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})$/.exec(advisory.url ?? "")?.[1] ?? `npm:${advisory.source}`;

function findingsOf(report: z.infer<typeof Report>): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    for (const via of vulnerability.via) {
      if (typeof via === "string") continue; // reported under the dependency's own entry
      const finding = { ...via, id: advisoryId(via) };
      byKey.set(`${finding.id} ${finding.name}`, finding);
    }
  }
  return [...byKey.values()].sort((a, b) => `${a.name} ${a.id}`.localeCompare(`${b.name} ${b.id}`));
}

function runNpmAudit(): string {
  const result = spawnSync("npm", ["audit", "--omit=dev", "--audit-level=low", "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (result.error) throw result.error;
  return result.stdout;
}

function main(): number {
  const { values } = parseArgs({ options: { report: { type: "string" }, "allow-list": { type: "string" } } });
  const allowListPath = values["allow-list"] ?? join(ROOT, ".ci/audit-allow.json");
  const allowListName = relative(ROOT, allowListPath);
  const allowList = readAllowList(allowListPath, AuditAllowEntry);
  const output = values.report ? readFileSync(values.report, "utf8") : runNpmAudit();

  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch {
    throw new Error(`npm audit printed no JSON:\n${output.slice(0, 2000)}`);
  }
  const report = Report.safeParse(json);
  if (!report.success) {
    const failure = EndpointFailure.safeParse(json);
    if (failure.success && (failure.data.statusCode !== undefined || NETWORK_ERROR.test(failure.data.message))) {
      console.log(
        `NOTICE: dependencies NOT audited: the registry did not answer the audit endpoint (${failure.data.message}).`,
      );
      console.log('This step passes here and fails on findings wherever the endpoint answers (README "CI gates").');
      return 0;
    }
    throw new Error(`npm audit failed: ${JSON.stringify(json).slice(0, 2000)}`);
  }

  const today = new Date().toISOString().slice(0, 10);
  const findings = findingsOf(report.data);
  const used = new Set<AuditAllowEntry>();
  let failed = 0;
  for (const finding of findings) {
    const entry = allowList.find((e) => e.advisory === finding.id && e.package === finding.name);
    if (entry) used.add(entry);
    const line = `${finding.severity} ${finding.name} ${finding.range}: ${finding.title} (${finding.id}${finding.url ? `, ${finding.url}` : ""})`;
    if (entry && entry.reviewBy >= today) {
      console.log(`allowed until ${entry.reviewBy}: ${line}`);
    } else {
      failed++;
      console.log(entry ? `REVIEW EXPIRED ${entry.reviewBy}: ${line}` : `FINDING: ${line}`);
    }
  }
  // Not a failure: advisories are withdrawn and packages fixed outside this repository.
  for (const entry of allowList.filter((e) => !used.has(e))) {
    console.log(
      `note: ${allowListName} lists ${entry.advisory} ${entry.package}, which the audit no longer reports; remove it`,
    );
  }
  console.log(
    `dependency audit (--omit=dev): ${findings.length} advisories, ${findings.length - failed} allow-listed, ${failed} not`,
  );
  if (failed > 0) {
    console.log(
      `Upgrade (npm update / a newer caret range) or, if the advisory does not reach us, add { advisory, package, reason, reviewBy } to ${allowListName}.`,
    );
  }
  return failed > 0 ? 1 : 0;
}

try {
  process.exit(main());
} catch (error) {
  console.error(`dependency audit could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
