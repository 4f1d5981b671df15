import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** One text to scan: a file as it is on disk, or a blob of the history that is no longer there. */
export interface Source {
  path: string;
  content: string;
  /** The blob id, when the text comes from history rather than the working tree. */
  blob?: string;
}

const git = (cwd: string, args: string[], input?: Buffer) =>
  execFileSync("git", args, { cwd, input, maxBuffer: 1 << 30 });

export const repositoryRoot = (cwd: string) => git(cwd, ["rev-parse", "--show-toplevel"]).toString().trim();

// Binary files hold no text secrets the rules could match; a NUL byte is git's own test for binary.
const isText = (bytes: Buffer) => !bytes.subarray(0, 8000).includes(0);

/** Tracked files and untracked ones that are not ignored (about to be committed), as on disk. */
export function workingTreeSources(root: string): Source[] {
  const paths = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    .toString()
    .split("\0")
    .filter((path) => path && existsSync(join(root, path)) && statSync(join(root, path)).isFile());
  return [...new Set(paths)].flatMap((path) => {
    const bytes = readFileSync(join(root, path));
    return isText(bytes) ? [{ path, content: bytes.toString("utf8") }] : [];
  });
}

/**
 * Every blob reachable from HEAD that the index does not hold (those are scanned on disk), with
 * the first path git saw it at: a secret deleted in a later commit is still in the clone.
 */
export function historySources(root: string): Source[] {
  if (!hasCommits(root)) return [];
  const current = new Set(
    git(root, ["ls-files", "-s"])
      .toString()
      .split("\n")
      .map((line) => line.split(" ")[1]),
  );
  const blobs = git(root, ["rev-list", "--objects", "--filter=object:type=blob", "--filter-provided-objects", "HEAD"])
    .toString()
    .split("\n")
    .map((line) => /^([0-9a-f]{40,64}) (.+)$/.exec(line))
    .flatMap((match) => (match?.[1] && match[2] && !current.has(match[1]) ? [{ blob: match[1], path: match[2] }] : []));
  if (blobs.length === 0) return [];
  // One `git cat-file --batch` for all: "<id> blob <size>\n<bytes>\n" per blob, in request order.
  const output = git(root, ["cat-file", "--batch"], Buffer.from(blobs.map((b) => `${b.blob}\n`).join("")));
  const sources: Source[] = [];
  let offset = 0;
  for (const { blob, path } of blobs) {
    const headerEnd = output.indexOf(10, offset);
    const size = Number(output.subarray(offset, headerEnd).toString().split(" ")[2]);
    const bytes = output.subarray(headerEnd + 1, headerEnd + 1 + size);
    offset = headerEnd + 1 + size + 1;
    if (isText(bytes)) sources.push({ path, content: bytes.toString("utf8"), blob });
  }
  return sources;
}

/** The oldest commit that added a blob, for a finding's message ("abc1234 2026-11-20"). */
export function commitThatAdded(root: string, blob: string): string {
  const lines = git(root, ["log", "--reverse", "--format=%h %cs", `--find-object=${blob}`, "HEAD"]).toString();
  return lines.split("\n")[0] || "unknown commit";
}

function hasCommits(root: string): boolean {
  try {
    git(root, ["rev-parse", "--verify", "--quiet", "HEAD"]);
    return true;
  } catch {
    return false;
  }
}

export const isShallow = (root: string) =>
  git(root, ["rev-parse", "--is-shallow-repository"]).toString().trim() === "true";
