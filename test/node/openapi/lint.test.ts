import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./document";

const run = promisify(execFile);
const DOCUMENT = "client/openapi.json";
// The CLIs' shebangs ask for `node`: the project's own Node 22 first. No telemetry, no update check.
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
  REDOCLY_TELEMETRY: "off",
  REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
};

/** Runs a linter CLI; a non-zero exit is how both report findings, so its output is kept. */
async function lint(bin: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(join(ROOT, "node_modules/.bin", bin), args, { cwd: ROOT, env, maxBuffer: 64 << 20 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    if (!stdout) throw new Error(`${bin} failed: ${stderr ?? String(error)}`);
    return stdout;
  }
}

interface Finding {
  code: string;
  message: string;
  path: (string | number)[];
  severity: number;
}

// client/openapi.json is the document the routes make (client-types.test.ts checks it is current).
describe("the published OpenAPI document passes the linters", () => {
  it("Spectral (spectral:oas + OWASP API Security 2023, .spectral.yaml): 0 errors", { timeout: 60_000 }, async () => {
    const output = await lint("spectral", [
      "lint",
      DOCUMENT,
      "--ruleset",
      ".spectral.yaml",
      "--format",
      "json",
      "--quiet",
    ]);
    const findings = JSON.parse(output.slice(output.indexOf("["))) as Finding[];
    const errors = findings
      .filter((f) => f.severity === 0)
      .map((f) => `${f.code} at ${f.path.join(".")}: ${f.message}`);
    expect(errors).toEqual([]);
  });

  it("Redocly (recommended rules, redocly.yaml): 0 errors", { timeout: 60_000 }, async () => {
    const output = await lint("redocly", ["lint", DOCUMENT, "--config", "redocly.yaml", "--format", "json"]);
    const report = JSON.parse(output.slice(output.indexOf("{"))) as {
      totals: { errors: number };
      problems: { ruleId: string; severity: string; message: string }[];
    };
    const errors = report.problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId}: ${p.message}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });
});
