import { emptyEvidence, type PageEvidence } from "./technographics/evidence";

export interface PageLink {
  url: URL;
  text: string;
}

/** What one HTML page says, read in one streaming pass. */
export interface PageExtract {
  evidence: PageEvidence;
  title: string | null;
  description: string | null;
  canonicalUrl: string | null;
  openGraph: Record<string, string>;
  /** http(s) links, absolute, without fragments, in page order. */
  links: PageLink[];
  /** Numbers from `tel:` links, as written. */
  phones: string[];
  /** Addresses from `mailto:` links (all of them; the profile keeps role addresses only). */
  emails: string[];
}

const MAX_LINKS = 500;
const MAX_LIST = 200;
const MAX_INLINE_SCRIPT = 64 * 1024;
const MAX_TEXT = 500;
/** Longer URLs are neither followed nor published (the API promises at most this length). */
export const MAX_URL = 2048;
/** Attributes frameworks leave behind (data-reactroot, ng-version, x-data, hx-get, v-cloak...). */
const MARKER_ATTRIBUTE = /^(?:data-|ng-|_ng|x-|hx-|v-)/;

function absolute(value: string | null, base: URL): URL | null {
  if (!value) return null;
  try {
    const url = new URL(value.trim(), base);
    url.hash = "";
    return url.href.length <= MAX_URL ? url : null;
  } catch {
    return null;
  }
}

/** Percent-decoded, or as written when the escapes are broken (`tel:%`): pages are not ours. */
function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function push<T>(list: T[], value: T, max = MAX_LIST): void {
  if (list.length < max) list.push(value);
}

function cookieNames(headers: Headers): string[] {
  const cookies = typeof headers.getSetCookie === "function" ? headers.getSetCookie() : [];
  return cookies.map((cookie) => cookie.split("=", 1)[0]?.trim() ?? "").filter(Boolean);
}

/**
 * Reads a page with HTMLRewriter: head metadata, links, contact points and the evidence the
 * technographics fingerprints look at. Handlers only run while the rewritten body is consumed,
 * so the body is read to its end (it is already capped by the fetcher).
 */
export async function extractPage(url: URL, headers: Headers, body: ReadableStream<Uint8Array>): Promise<PageExtract> {
  const headerRecord: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== "set-cookie") headerRecord[name] = value;
  });
  const evidence: PageEvidence = { ...emptyEvidence(url.href), headers: headerRecord, cookies: cookieNames(headers) };
  const extract: PageExtract = {
    evidence,
    title: null,
    description: null,
    canonicalUrl: null,
    openGraph: {},
    links: [],
    phones: [],
    emails: [],
  };
  const attributeNames = new Set<string>();
  let title = "";
  let inTitle = false;
  let anchor: PageLink | null = null;
  let inlineScript = false;

  const rewriter = new HTMLRewriter()
    .on("*", {
      element(element) {
        const id = element.getAttribute("id");
        if (id) push(evidence.elementIds, id.slice(0, 100));
        if (attributeNames.size < MAX_LIST) {
          for (const [name = ""] of element.attributes) {
            if (MARKER_ATTRIBUTE.test(name)) attributeNames.add(name);
          }
        }
      },
    })
    .on("title", {
      element() {
        inTitle = title === "";
      },
      text(chunk) {
        if (inTitle) title += chunk.text;
        if (chunk.lastInTextNode) inTitle = false;
      },
    })
    .on("meta", {
      element(element) {
        const key = (element.getAttribute("name") ?? element.getAttribute("property") ?? "").toLowerCase().trim();
        const content = element.getAttribute("content");
        if (!key || content === null || key in evidence.metas) return;
        evidence.metas[key] = content.slice(0, MAX_TEXT);
        if (key === "description") extract.description = content.trim().slice(0, MAX_TEXT);
        if (key.startsWith("og:")) extract.openGraph[key.slice(3)] = content.trim().slice(0, MAX_TEXT);
      },
    })
    .on("link[href]", {
      element(element) {
        const href = absolute(element.getAttribute("href"), url);
        if (!href) return;
        push(evidence.linkHrefs, href.href);
        const rel = (element.getAttribute("rel") ?? "").toLowerCase().split(/\s+/);
        if (rel.includes("canonical") && extract.canonicalUrl === null) extract.canonicalUrl = href.href;
      },
    })
    .on("script", {
      element(element) {
        const src = absolute(element.getAttribute("src"), url);
        inlineScript = src === null;
        if (src) push(evidence.scriptSrcs, src.href);
      },
      text(chunk) {
        if (inlineScript && evidence.inlineScripts.length < MAX_INLINE_SCRIPT) {
          evidence.inlineScripts += chunk.text.slice(0, MAX_INLINE_SCRIPT - evidence.inlineScripts.length);
        }
      },
    })
    .on("iframe[src]", {
      element(element) {
        const src = absolute(element.getAttribute("src"), url);
        if (src) push(evidence.iframeSrcs, src.href);
      },
    })
    .on("a[href]", {
      element(element) {
        anchor = null;
        const raw = (element.getAttribute("href") ?? "").trim();
        if (/^tel:/i.test(raw)) return push(extract.phones, decoded(raw.slice(4)).trim());
        if (/^mailto:/i.test(raw)) {
          const address = decoded(raw.slice(7).split("?")[0] ?? "")
            .trim()
            .toLowerCase();
          return push(extract.emails, address);
        }
        const href = absolute(raw, url);
        if (!href || (href.protocol !== "http:" && href.protocol !== "https:")) return;
        if (extract.links.length >= MAX_LINKS) return;
        anchor = { url: href, text: "" };
        extract.links.push(anchor);
      },
      text(chunk) {
        if (anchor && anchor.text.length < 100) anchor.text += chunk.text;
      },
    });

  await rewriter.transform(new Response(body, { headers: { "content-type": "text/html" } })).arrayBuffer();
  evidence.attributeNames = [...attributeNames];
  extract.title = title.replace(/\s+/g, " ").trim().slice(0, MAX_TEXT) || null;
  for (const link of extract.links) link.text = link.text.replace(/\s+/g, " ").trim();
  return extract;
}
