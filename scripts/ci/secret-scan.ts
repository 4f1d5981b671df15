/**
 * npm run ci:secrets — the secret scan of CI. secretlint's recommended rules (AWS, GCP, Cloudflare,
 * Stripe, GitHub, npm, Slack, private keys, basic auth, database URLs with passwords...) plus our own
 * API-key format and local-secrets files, over every file git tracks (as on disk) and every blob in
 * HEAD's history. A finding fails the scan unless `.ci/secret-scan-allow.json` lists it with a reason;
 * an entry that matches nothing fails too, so the list stays true. Secrets are never printed.
 *
 *   tsx scripts/ci/secret-scan.ts [--no-history] [--allow-list <file>]   (scans the repository at cwd)
 * Exit: 0 clean, 1 findings or stale entries, 2 the scan could not run.
 */
import { createHash } from "node:crypto";
import { join, matchesGlob, relative } from "node:path";
import { parseArgs } from "node:util";
import { loadPackagesFromConfigDescriptor } from "@secretlint/config-loader";
import { lintSource } from "@secretlint/core";
import { readAllowList, SecretAllowEntry } from "./allow-list";
import {
  commitThatAdded,
  historySources,
  isShallow,
  repositoryRoot,
  type Source,
  workingTreeSources,
} from "./git-sources";

const rules = {
  rules: [
    {
      id: "@secretlint/secretlint-rule-preset-recommend",
      // An access key id alone grants nothing, but it names the account and its secret is rarely far.
      rules: [{ id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } }],
    },
    {
      id: "@secretlint/secretlint-rule-pattern",
      options: {
        patterns: [
          // src/auth/api-keys.ts: dtk_<tenant, 22 base64url>_<secret, 43 base64url>.
          { name: "Detecktiv API key", patterns: ["/dtk_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}/"] },
          // src/auth/operator-keys.ts: an operator key reaches every tenant through /internal.
          { name: "Detecktiv operator key", patterns: ["/dop_[A-Za-z0-9_-]{43}/"] },
          // src/invitations/token.ts: an unaccepted invitation joins whoever holds it to a tenant.
          { name: "Detecktiv invitation token", patterns: ["/dti_[A-Za-z0-9_-]{43}/"] },
          // src/webhooks/secrets.ts: an endpoint's signing secret forges our webhook signatures.
          { name: "webhook signing secret", patterns: ["/whsec_[A-Za-z0-9+/]{43}=?/"] },
          // Wrangler's and dotenv's local secrets files are gitignored; committed, they leak.
          { name: "local secrets file", filePathGlobs: ["**/.dev.vars", "**/.env"] },
        ],
      },
    },
  ],
};

interface Finding {
  path: string;
  line: number;
  column: number;
  rule: string;
  message: string;
  fingerprint: string;
  blob: string | undefined;
}

const fingerprintOf = (rule: string, text: string) =>
  `sha256:${createHash("sha256").update(`${rule}\0${text}`).digest("hex").slice(0, 16)}`;

/**
 * secretlint's own masking also hides what is not secret (the pattern's name, GitHub's token type),
 * so mask here: whatever the rule quotes from the file itself.
 */
function masked(message: string, data: Record<string, unknown> | undefined, content: string): string {
  let text = message;
  for (const value of Object.values(data ?? {})) {
    if (typeof value === "string" && value.length >= 4 && content.includes(value))
      text = text.replaceAll(value, "****");
  }
  return text;
}

async function scan(sources: Source[]): Promise<Finding[]> {
  const { config } = await loadPackagesFromConfigDescriptor({ configDescriptor: rules });
  const findings: Finding[] = [];
  for (const source of sources) {
    // The path is relative: rules that look at file names (filePathGlobs) see the repository's.
    const result = await lintSource({
      source: { filePath: source.path, content: source.content, contentType: "text" },
      options: { config, maskSecrets: false },
    });
    for (const message of result.messages) {
      findings.push({
        path: source.path,
        line: message.loc.start.line,
        column: message.loc.start.column,
        rule: message.ruleId,
        message: masked(message.message, message.data, source.content),
        fingerprint: fingerprintOf(message.ruleId, source.content.slice(message.range[0], message.range[1])),
        blob: source.blob,
      });
    }
  }
  return findings;
}

const allows = (entry: SecretAllowEntry, finding: Finding) =>
  entry.rule === finding.rule &&
  entry.fingerprint === finding.fingerprint &&
  entry.files.some((file) => file === finding.path || matchesGlob(finding.path, file));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { "no-history": { type: "boolean", default: false }, "allow-list": { type: "string" } },
  });
  const root = repositoryRoot(process.cwd());
  const allowListPath = values["allow-list"] ?? join(root, ".ci/secret-scan-allow.json");
  const allowList = readAllowList(allowListPath, SecretAllowEntry);
  const allowListName = relative(root, allowListPath);

  const current = workingTreeSources(root);
  const history = values["no-history"] ? [] : historySources(root);
  const findings = await scan([...current, ...history]);

  const used = new Set<SecretAllowEntry>();
  const failures = findings.filter((finding) => {
    const entry = allowList.find((candidate) => allows(candidate, finding));
    if (entry) used.add(entry);
    return !entry;
  });
  for (const finding of failures) {
    const where = finding.blob ? ` (history only: added in ${commitThatAdded(root, finding.blob)})` : "";
    console.log(`${finding.path}:${finding.line}:${finding.column + 1}${where}`);
    console.log(`  ${finding.rule}: ${finding.message}`);
    console.log(`  fingerprint ${finding.fingerprint}`);
  }
  const stale = allowList.filter((entry) => !used.has(entry));
  for (const entry of stale) {
    console.log(`${allowListName}: entry ${entry.rule} ${entry.fingerprint} matches nothing any more; remove it`);
  }

  const scope = values["no-history"]
    ? ""
    : `, ${history.length} history blobs${isShallow(root) ? " (shallow clone)" : ""}`;
  console.log(
    `secret scan: ${current.length} files${scope}; ${findings.length} findings, ${findings.length - failures.length} allow-listed, ${failures.length} not`,
  );
  if (failures.length > 0) {
    console.log(
      "A secret in a file or in history: revoke it first (history keeps it), then remove it. A test value or placeholder: " +
        `add { rule, fingerprint, files, reason } to ${allowListName} (README "CI gates").`,
    );
  }
  return failures.length > 0 || stale.length > 0 ? 1 : 0;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(`secret scan could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
