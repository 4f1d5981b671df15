/** What one fetched HTML page shows about the technology behind it (filled by the HTMLRewriter extractor). */
export interface PageEvidence {
  /** Final URL of the page. */
  url: string;
  /** Response headers, lower-case names (set-cookie excluded). */
  headers: Record<string, string>;
  /** Cookie names from Set-Cookie headers. */
  cookies: string[];
  /** Absolute URLs of `<script src>`. */
  scriptSrcs: string[];
  /** Absolute URLs of `<link href>` (stylesheets, preconnect, icons...). */
  linkHrefs: string[];
  /** Absolute URLs of `<iframe src>`. */
  iframeSrcs: string[];
  /** `<meta name=|property=>` lower-cased key -> content (e.g. "generator"). */
  metas: Record<string, string>;
  /** Text of inline `<script>` elements, concatenated, capped at 64 KiB. */
  inlineScripts: string;
  /** Values of id="" attributes (e.g. "__next", "__nuxt"). */
  elementIds: string[];
  /** Distinct attribute names seen (e.g. "ng-version", "data-wf-site", "data-reactroot"). */
  attributeNames: string[];
}

export const EVIDENCE_SOURCES = [
  "script",
  "link",
  "iframe",
  "meta",
  "header",
  "cookie",
  "inline_script",
  "dom",
] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

/** A page that shows nothing yet: the extractor fills it in. */
export function emptyEvidence(url: string): PageEvidence {
  return {
    url,
    headers: {},
    cookies: [],
    scriptSrcs: [],
    linkHrefs: [],
    iframeSrcs: [],
    metas: {},
    inlineScripts: "",
    elementIds: [],
    attributeNames: [],
  };
}
