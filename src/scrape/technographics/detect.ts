import type { EvidenceSource, PageEvidence } from "./evidence";
import type { Fingerprint, Pattern, TechCategory } from "./fingerprint";
import { FINGERPRINTS } from "./fingerprints";

export interface Detection {
  slug: string;
  name: string;
  category: TechCategory;
  /** 1-100. */
  confidence: number;
  /** What matched, at most 5 items, each value at most 200 characters. */
  evidence: { source: EvidenceSource; value: string }[];
}

/**
 * Default weight of a match by where it was seen: a generator tag or a vendor header names the
 * product; a script from the vendor's host almost always does; a stylesheet, iframe or inline
 * snippet can be a leftover or a copy; DOM markers and cookie names are shared by look-alikes.
 */
const WEIGHTS: Record<EvidenceSource, number> = {
  meta: 100,
  header: 90,
  script: 90,
  iframe: 80,
  link: 75,
  inline_script: 70,
  dom: 60,
  cookie: 60,
};
const IMPLIED_WEIGHT = 50;
export const MAX_EVIDENCE = 5;

interface CompiledPattern {
  regex: RegExp;
  weight: number;
}

interface Compiled {
  fingerprint: Fingerprint;
  checks: { source: EvidenceSource; key?: string; pattern: CompiledPattern }[];
}

const compile = (pattern: Pattern, source: EvidenceSource, key?: string) => ({
  source,
  ...(key === undefined ? {} : { key }),
  pattern:
    pattern instanceof RegExp
      ? { regex: pattern, weight: WEIGHTS[source] }
      : { regex: pattern.pattern, weight: pattern.weight },
});

// Compiled once per isolate: detection runs for every page of every scrape.
const COMPILED: Compiled[] = FINGERPRINTS.map((fingerprint) => {
  const p = fingerprint.patterns;
  return {
    fingerprint,
    checks: [
      ...(p.scriptSrc ?? []).map((x) => compile(x, "script")),
      ...(p.linkHref ?? []).map((x) => compile(x, "link")),
      ...(p.iframeSrc ?? []).map((x) => compile(x, "iframe")),
      ...Object.entries(p.meta ?? {}).map(([key, x]) => compile(x, "meta", key)),
      ...Object.entries(p.headers ?? {}).map(([key, x]) => compile(x, "header", key)),
      ...(p.cookies ?? []).map((x) => compile(x, "cookie")),
      ...(p.inlineScript ?? []).map((x) => compile(x, "inline_script")),
      ...(p.dom?.ids ?? []).map((x) => compile(x, "dom", "id")),
      ...(p.dom?.attributes ?? []).map((x) => compile(x, "dom", "attribute")),
    ],
  };
});
const BY_SLUG = new Map(FINGERPRINTS.map((f) => [f.slug, f]));

const trim = (value: string) => (value.length > 200 ? `${value.slice(0, 197)}...` : value);

/** The first value of the page the check matches, as shown in the evidence. */
function firstMatch(check: Compiled["checks"][number], page: PageEvidence): string | null {
  const { regex } = check.pattern;
  const among = (values: string[], label = (v: string) => v) => {
    const hit = values.find((value) => regex.test(value));
    return hit === undefined ? null : label(hit);
  };
  switch (check.source) {
    case "script":
      return among(page.scriptSrcs);
    case "link":
      return among(page.linkHrefs);
    case "iframe":
      return among(page.iframeSrcs);
    case "meta": {
      const value = check.key === undefined ? undefined : page.metas[check.key];
      return value !== undefined && regex.test(value) ? `${check.key}: ${value}` : null;
    }
    case "header": {
      const value = check.key === undefined ? undefined : page.headers[check.key];
      return value !== undefined && regex.test(value) ? `${check.key}: ${value}` : null;
    }
    case "cookie":
      return among(page.cookies);
    case "inline_script": {
      const match = regex.exec(page.inlineScripts);
      return match ? match[0] : null;
    }
    case "dom":
      return check.key === "id"
        ? among(page.elementIds, (id) => `id="${id}"`)
        : among(page.attributeNames, (name) => `[${name}]`);
  }
}

/**
 * The technologies a page shows, each with the evidence that matched and a confidence: the
 * chance that at least one match is right, 1 - Π(1 - weight), so independent clues add up without
 * one weak clue ever reaching certainty.
 */
export function detectTechnologies(page: PageEvidence): Detection[] {
  const found = new Map<string, Detection>();
  for (const { fingerprint, checks } of COMPILED) {
    let doubt = 1;
    const evidence: Detection["evidence"] = [];
    for (const check of checks) {
      const value = firstMatch(check, page);
      if (value === null) continue;
      doubt *= 1 - check.pattern.weight / 100;
      if (evidence.length < MAX_EVIDENCE) evidence.push({ source: check.source, value: trim(value) });
    }
    if (evidence.length === 0) continue;
    found.set(fingerprint.slug, {
      slug: fingerprint.slug,
      name: fingerprint.name,
      category: fingerprint.category,
      confidence: Math.max(1, Math.round((1 - doubt) * 100)),
      evidence,
    });
  }
  // What the detected ones imply, transitively, at a lower confidence.
  const queue = [...found.values()];
  for (let detection = queue.shift(); detection; detection = queue.shift()) {
    for (const slug of BY_SLUG.get(detection.slug)?.implies ?? []) {
      const implied = BY_SLUG.get(slug);
      if (!implied || found.has(slug)) continue;
      const entry: Detection = {
        slug,
        name: implied.name,
        category: implied.category,
        confidence: Math.min(IMPLIED_WEIGHT, detection.confidence),
        evidence: [{ source: detection.evidence[0]?.source ?? "dom", value: `implied by ${detection.name}` }],
      };
      found.set(slug, entry);
      queue.push(entry);
    }
  }
  return [...found.values()].sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name));
}
