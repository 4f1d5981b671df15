import { describe, expect, it } from "vitest";
import { type Detection, detectTechnologies } from "../../../src/scrape/technographics/detect";
import { emptyEvidence, type PageEvidence } from "../../../src/scrape/technographics/evidence";
import { type Fingerprint, type Pattern, TECH_CATEGORIES } from "../../../src/scrape/technographics/fingerprint";
import { FINGERPRINTS } from "../../../src/scrape/technographics/fingerprints";

const page = (evidence: Partial<PageEvidence> = {}): PageEvidence => ({
  ...emptyEvidence("https://example.co.uk/"),
  ...evidence,
});

const BY_SLUG = new Map(FINGERPRINTS.map((f) => [f.slug, f]));

/** The slug and everything it implies, transitively. */
function withImplied(slug: string): Set<string> {
  const out = new Set<string>();
  const stack = [slug];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (out.has(next)) continue;
    out.add(next);
    stack.push(...(BY_SLUG.get(next)?.implies ?? []));
  }
  return out;
}

const slugsOf = (detections: Detection[]) => new Set(detections.map((d) => d.slug));

/** Every pattern of a fingerprint, whatever kind of evidence it looks at. */
function patternsOf(fingerprint: Fingerprint): Pattern[] {
  const p = fingerprint.patterns;
  return [
    ...(p.scriptSrc ?? []),
    ...(p.linkHref ?? []),
    ...(p.iframeSrc ?? []),
    ...Object.values(p.meta ?? {}),
    ...Object.values(p.headers ?? {}),
    ...(p.cookies ?? []),
    ...(p.inlineScript ?? []),
    ...(p.dom?.ids ?? []),
    ...(p.dom?.attributes ?? []),
  ];
}

const regexOf = (pattern: Pattern) => (pattern instanceof RegExp ? pattern : pattern.pattern);

describe("technographics fingerprints", () => {
  it.each(FINGERPRINTS.map((f) => [f.slug, f] as const))("%s: its example detects it and nothing else", (slug, f) => {
    const detections = detectTechnologies(page(f.example));
    const own = detections.find((d) => d.slug === slug);
    expect(own).toBeDefined();
    expect(own?.confidence).toBeGreaterThanOrEqual(1);
    expect(own?.confidence).toBeLessThanOrEqual(100);
    expect(own?.evidence.length).toBeGreaterThan(0);
    expect(slugsOf(detections)).toEqual(withImplied(slug));
  });

  it("has at least 65 fingerprints with unique kebab-case slugs", () => {
    expect(FINGERPRINTS.length).toBeGreaterThanOrEqual(65);
    const slugs = FINGERPRINTS.map((f) => f.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it("uses every category", () => {
    const used = new Set(FINGERPRINTS.map((f) => f.category));
    for (const category of TECH_CATEGORIES) expect(used, category).toContain(category);
  });

  it("implies only fingerprints that exist, never itself", () => {
    for (const f of FINGERPRINTS) {
      for (const slug of f.implies ?? []) {
        expect(BY_SLUG.has(slug), `${f.slug} implies ${slug}`).toBe(true);
        expect(slug).not.toBe(f.slug);
      }
    }
  });

  it("gives every fingerprint a pattern, an example, an https website and a name", () => {
    for (const f of FINGERPRINTS) {
      expect(patternsOf(f).length, f.slug).toBeGreaterThan(0);
      expect(Object.keys(f.example).length, f.slug).toBeGreaterThan(0);
      expect(new URL(f.website).protocol, f.slug).toBe("https:");
      expect(f.name.trim().length, f.slug).toBeGreaterThan(0);
    }
  });

  it("has stateless regexes (no g or y flag) and weights between 1 and 100", () => {
    for (const f of FINGERPRINTS) {
      for (const pattern of patternsOf(f)) {
        const regex = regexOf(pattern);
        expect(regex.flags, `${f.slug} ${regex}`).not.toMatch(/[gy]/);
        if (!(pattern instanceof RegExp)) {
          expect(Number.isInteger(pattern.weight), `${f.slug} ${regex}`).toBe(true);
          expect(pattern.weight).toBeGreaterThanOrEqual(1);
          expect(pattern.weight).toBeLessThanOrEqual(100);
        }
      }
    }
  });

  it("keys headers and metas in lower case", () => {
    for (const f of FINGERPRINTS) {
      for (const key of [...Object.keys(f.patterns.headers ?? {}), ...Object.keys(f.patterns.meta ?? {})]) {
        expect(key, f.slug).toBe(key.toLowerCase());
      }
    }
  });
});

describe("detectTechnologies", () => {
  it("finds nothing on an empty page", () => {
    expect(detectTechnologies(page())).toEqual([]);
  });

  it("is not fooled by product names in URLs, text, ids or look-alike headers", () => {
    const decoy = page({
      headers: { server: "cloudflare-lookalike", "x-powered-by": "PHP/8.2.12" },
      metas: { description: "WordPress, Shopify and React experts in Leeds", generator: "Our own CMS 2.1" },
      scriptSrcs: [
        "https://example.com/js/react-gallery-wordpress-shopify.js",
        "https://example.com/js/jquery-plugins/slider.js",
        "https://example.com/static/frontend/app/main.js",
      ],
      linkHrefs: ["https://example.com/css/bootstrap-hubspot-theme.css", "https://example.com/css/next-theme.css"],
      iframeSrcs: ["https://www.youtube.com/embed/dQw4w9WgXcQ"],
      cookies: ["session", "csrftoken"],
      inlineScripts: 'console.log("Built by WordPress and Shopify experts with React and Vue");',
      elementIds: ["next", "nuxt-like", "gatsby"],
      attributeNames: ["data-react-gallery", "data-next", "x-large", "ng-like"],
    });
    expect(detectTechnologies(decoy)).toEqual([]);
  });

  describe("on a typical WordPress shop", () => {
    const detections = detectTechnologies(
      page({
        url: "https://shop.example.co.uk/",
        headers: { server: "cloudflare", "cf-ray": "8a1b2c3d4e5f-LHR", "content-type": "text/html; charset=UTF-8" },
        cookies: ["hubspotutk"],
        metas: { generator: "WordPress 6.5.2", viewport: "width=device-width, initial-scale=1" },
        scriptSrcs: [
          "https://consent.cookiebot.com/uc.js",
          "https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9",
          "https://shop.example.co.uk/wp-content/plugins/woocommerce/assets/js/frontend/woocommerce.min.js?ver=8.7.0",
          "https://js-eu1.hs-scripts.com/1234567.js",
        ],
        linkHrefs: [
          "https://shop.example.co.uk/wp-content/themes/storefront/style.css?ver=4.5.4",
          "https://shop.example.co.uk/wp-json/",
        ],
        inlineScripts:
          "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-ABC123');",
        elementIds: ["Cookiebot", "hs-script-loader", "page"],
      }),
    );

    it("detects exactly what is there", () => {
      const expected = new Set(
        [
          "wordpress",
          "woocommerce",
          "google-tag-manager",
          "google-analytics",
          "hubspot",
          "cookiebot",
          "cloudflare",
        ].flatMap((slug) => [...withImplied(slug)]),
      );
      expect(slugsOf(detections)).toEqual(expected);
    });

    it("is sure of WordPress", () => {
      expect(detections.find((d) => d.slug === "wordpress")?.confidence).toBeGreaterThanOrEqual(90);
    });

    it("sorts by category, then name", () => {
      for (let i = 1; i < detections.length; i++) {
        const [a, b] = [detections[i - 1], detections[i]];
        if (!a || !b) throw new Error("unreachable");
        const order = a.category.localeCompare(b.category) || a.name.localeCompare(b.name);
        expect(order, `${a.slug} before ${b.slug}`).toBeLessThan(0);
      }
    });

    it("keeps evidence short", () => {
      for (const detection of detections) {
        expect(detection.evidence.length).toBeGreaterThan(0);
        expect(detection.evidence.length).toBeLessThanOrEqual(5);
        for (const item of detection.evidence) expect(item.value.length).toBeLessThanOrEqual(200);
        expect(detection.confidence).toBeGreaterThanOrEqual(1);
        expect(detection.confidence).toBeLessThanOrEqual(100);
      }
    });
  });

  it("caps and trims evidence on a page that matches a fingerprint many times over", () => {
    const long = `https://www.example.co.uk/wp-content/plugins/${"a".repeat(300)}.js`;
    const [wordpress] = detectTechnologies(
      page({
        headers: { link: '<https://www.example.co.uk/wp-json/>; rel="https://api.w.org/"' },
        cookies: ["wordpress_test_cookie"],
        metas: { generator: "WordPress 6.5.2" },
        scriptSrcs: [long],
        linkHrefs: ["https://www.example.co.uk/wp-includes/css/dist/block-library/style.min.css"],
        inlineScripts: "window._wpemojiSettings = {};",
      }),
    );
    expect(wordpress?.slug).toBe("wordpress");
    expect(wordpress?.confidence).toBe(100);
    expect(wordpress?.evidence).toHaveLength(5);
    for (const item of wordpress?.evidence ?? []) expect(item.value.length).toBeLessThanOrEqual(200);
  });

  it("gives implied technologies a lower confidence and says why", () => {
    const detections = detectTechnologies(page({ headers: { "x-powered-by": "WP Engine" } }));
    const wordpress = detections.find((d) => d.slug === "wordpress");
    expect(wordpress?.confidence).toBeLessThanOrEqual(50);
    expect(wordpress?.evidence).toEqual([{ source: "header", value: "implied by WP Engine" }]);
  });
});
