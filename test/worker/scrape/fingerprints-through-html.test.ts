import { describe, expect, it } from "vitest";
import { extractPage } from "../../../src/scrape/extract";
import { detectTechnologies } from "../../../src/scrape/technographics/detect";
import type { PageEvidence } from "../../../src/scrape/technographics/evidence";
import { FINGERPRINTS } from "../../../src/scrape/technographics/fingerprints";

const attr = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** The page a fingerprint's example describes, as a site would serve it. */
function served(example: Partial<PageEvidence>): Response {
  const head = [
    ...Object.entries(example.metas ?? {}).map(([key, content]) =>
      key.startsWith("og:")
        ? `<meta property="${attr(key)}" content="${attr(content)}">`
        : `<meta name="${attr(key)}" content="${attr(content)}">`,
    ),
    ...(example.linkHrefs ?? []).map((href) => `<link rel="stylesheet" href="${attr(href)}">`),
    ...(example.scriptSrcs ?? []).map((src) => `<script src="${attr(src)}"></script>`),
    ...(example.inlineScripts ? [`<script>${example.inlineScripts}</script>`] : []),
  ];
  const body = [
    ...(example.elementIds ?? []).map((id) => `<div id="${attr(id)}"></div>`),
    ...(example.attributeNames ?? []).map((name) => `<div ${name}=""></div>`),
    ...(example.iframeSrcs ?? []).map((src) => `<iframe src="${attr(src)}"></iframe>`),
  ];
  const headers = new Headers({ "content-type": "text/html; charset=utf-8", ...example.headers });
  for (const cookie of example.cookies ?? []) headers.append("set-cookie", `${cookie}=1; Path=/`);
  return new Response(`<!doctype html><html><head>${head.join("")}</head><body>${body.join("")}</body></html>`, {
    headers,
  });
}

describe("every fingerprint, through a served page and the HTMLRewriter extractor", () => {
  it.each(FINGERPRINTS.map((f) => [f.slug, f] as const))("%s", async (slug, fingerprint) => {
    const response = served(fingerprint.example);
    if (!response.body) throw new Error("no body");
    const url = new URL(fingerprint.example.url ?? "https://example.co.uk/");
    const extract = await extractPage(url, response.headers, response.body);
    const detected = detectTechnologies(extract.evidence);
    expect(detected.map((d) => d.slug)).toContain(slug);
  });
});
