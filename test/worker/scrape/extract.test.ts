import { describe, expect, it } from "vitest";
import { extractPage } from "../../../src/scrape/extract";
import { buildWebProfile, pagesToVisit } from "../../../src/scrape/web-profile";

const home = new URL("https://www.acme.co.uk/");

async function extract(html: string, headers: Record<string, string> = {}) {
  const response = new Response(html, { headers: { "content-type": "text/html", ...headers } });
  if (!response.body) throw new Error("no body");
  return extractPage(home, response.headers, response.body);
}

describe("page extraction (HTMLRewriter)", () => {
  it("reads head metadata, evidence and links in one pass", async () => {
    const page = await extract(
      `<html><head><title> Acme
        Ltd </title><meta name="Description" content="IT for you"><meta property="og:site_name" content="Acme">
        <meta name="generator" content="Ghost 5.0"><link rel="canonical stylesheet" href="/home">
        <script src="/js/app.js"></script><script>window.dataLayer = [];</script></head>
        <body id="__next" data-reactroot><iframe src="https://www.youtube.com/embed/x"></iframe>
        <a href="/contact#form"> Contact <b>us</b></a><a href="tel:+44%2020%207946%200000">call</a>
        <a href="mailto:Info@Acme.co.uk?subject=hi">mail</a><a href="javascript:void(0)">x</a><a href="tel:%">broken</a></body></html>`,
      { "set-cookie": "_ga=GA1.1; Path=/", server: "nginx" },
    );
    expect(page).toMatchObject({
      title: "Acme Ltd",
      description: "IT for you",
      canonicalUrl: "https://www.acme.co.uk/home",
      openGraph: { site_name: "Acme" },
      // A broken escape is kept as written, not a failure of the page.
      phones: ["+44 20 7946 0000", "%"],
      emails: ["info@acme.co.uk"],
    });
    expect(page.links.map((l) => [l.url.href, l.text])).toEqual([["https://www.acme.co.uk/contact", "Contact us"]]);
    expect(page.evidence).toMatchObject({
      headers: { server: "nginx", "content-type": "text/html" },
      cookies: ["_ga"],
      scriptSrcs: ["https://www.acme.co.uk/js/app.js"],
      iframeSrcs: ["https://www.youtube.com/embed/x"],
      metas: { generator: "Ghost 5.0", description: "IT for you" },
      inlineScripts: "window.dataLayer = [];",
      elementIds: ["__next"],
      attributeNames: ["data-reactroot"],
    });
  });

  it("picks the contact, about and careers pages of the same site, best first, and builds the profile", async () => {
    const page = await extract(`<a href="/blog">Blog</a><a href="https://acme.co.uk/about-us">About</a>
      <a href="/careers/">Jobs</a><a href="/contact-us">Get in touch</a><a href="/files/contact.pdf">PDF</a>
      <a href="https://other.example/contact">Theirs</a><a href="https://www.linkedin.com/company/acme/">in</a>
      <a href="https://twitter.com/intent/tweet?text=x">share</a><a href="mailto:jane.doe@acme.co.uk">Jane</a>
      <a href="mailto:sales@acme.co.uk">Sales</a><a href="mailto:info@gmail.com">Info</a>`);
    expect(pagesToVisit(home, page.links, 2).map((u) => u.pathname)).toEqual(["/contact-us", "/about-us"]);
    const profile = buildWebProfile(home, [page]);
    expect(profile).toMatchObject({
      social_profiles: { linkedin: ["https://www.linkedin.com/company/acme"] },
      contact_pages: ["https://www.acme.co.uk/contact-us"],
      careers_pages: ["https://www.acme.co.uk/careers/"],
      emails: ["sales@acme.co.uk"],
    });
    expect(profile.social_profiles.x).toBeUndefined();
  });
});
