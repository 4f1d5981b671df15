import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a fake site received (for politeness assertions). */
export interface SiteHit {
  path: string;
  at: number;
  userAgent: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => void;

const html = (res: ServerResponse, body: string, headers: Record<string, string | string[]> = {}) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...headers });
  res.end(body);
};
const text = (res: ServerResponse, status: number, body: string, type = "text/plain") => {
  res.writeHead(status, { "content-type": type });
  res.end(body);
};
const redirect = (res: ServerResponse, location: string, status = 301) => {
  res.writeHead(status, { location });
  res.end();
};

/** A small company site: a home page linking to about, contact and careers pages. */
function companyHome(extraHead = ""): string {
  return `<!doctype html><html><head>
    <title>Acme Cloud Services | Managed IT for UK businesses</title>
    <meta name="description" content="Managed IT and cloud for UK SMEs.">
    <meta name="generator" content="WordPress 6.4.2">
    <meta property="og:title" content="Acme Cloud Services">
    <meta property="og:type" content="website">
    <link rel="canonical" href="/">
    <link rel="stylesheet" href="/wp-content/themes/acme/style.css">
    <script async src="https://www.googletagmanager.com/gtm.js?id=GTM-ABC123"></script>
    ${extraHead}
  </head><body>
    <nav><a href="/about-us/">About us</a> <a href="/contact">Contact</a> <a href="/careers/">Careers</a>
      <a href="/brochure.pdf">Brochure</a> <a href="https://elsewhere.example/contact">Partner</a></nav>
    <p>Call <a href="tel:+44 20 7946 0000">020 7946 0000</a> or email <a href="mailto:info@SITE_HOST">info@</a>
      or our director <a href="mailto:jane.smith@SITE_HOST">Jane</a>.</p>
    <footer>
      <a href="https://www.linkedin.com/company/acme-cloud/">LinkedIn</a>
      <a href="https://twitter.com/acmecloud">Twitter</a>
      <a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a>
      <a href="https://github.com/acme-cloud">GitHub</a>
      <a href="https://www.youtube.com/@acmecloud">YouTube</a>
    </footer>
  </body></html>`;
}

const page = (title: string, body = "") =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

function companySite(robots: string | null, extraHead = ""): Handler {
  return (req, res, path) => {
    const host = (req.headers.host ?? "").split(":")[0] ?? "";
    if (path === "/robots.txt") return robots === null ? text(res, 404, "not found") : text(res, 200, robots);
    if (path === "/") return html(res, companyHome(extraHead).replaceAll("SITE_HOST", host));
    if (path === "/about-us/") return html(res, page("About Acme"));
    if (path === "/contact")
      return html(res, page("Contact", '<a href="mailto:sales@SITE_HOST">Sales</a>').replaceAll("SITE_HOST", host));
    if (path === "/careers/") return html(res, page("Careers"));
    return text(res, 404, "not found");
  };
}

const SITES: Record<string, Handler> = {
  basic: companySite("User-agent: *\nAllow: /\n"),
  // For tests that go through the real queue (their consumer runs in the background).
  "via-queue": companySite("User-agent: *\nAllow: /\n"),
  "robots-deny": companySite("User-agent: *\nDisallow: /\n"),
  "robots-deny-us": companySite("User-agent: DetecktivBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"),
  "robots-partial": companySite("User-agent: *\nDisallow: /careers\nAllow: /careers/public\n"),
  "robots-404": companySite(null),
  "robots-500": (req, res, path) =>
    path === "/robots.txt" ? text(res, 503, "down") : companySite(null)(req, res, path),
  "crawl-delay": companySite("User-agent: *\nCrawl-delay: 1\n"),
  "redirect-chain": (req, res, path) => {
    if (path === "/") return redirect(res, "/step-1");
    if (path === "/step-1") return redirect(res, "/step-2", 302);
    if (path === "/step-2") return redirect(res, "/home", 307);
    if (path === "/home") return html(res, page("Arrived"));
    return companySite(null)(req, res, path);
  },
  "redirect-loop": (_req, res, path) => {
    if (path === "/robots.txt") return text(res, 404, "");
    return redirect(res, path === "/loop-a" ? "/loop-b" : "/loop-a");
  },
  "redirect-metadata": (_req, res, path) => {
    if (path === "/robots.txt") return text(res, 404, "");
    return redirect(res, "http://169.254.169.254/latest/meta-data/");
  },
  // `/to/<target>` → `/hop/<target>` → target: the hostile address comes on the second hop.
  "redirect-to": (req, res, path) => {
    if (path === "/robots.txt") return text(res, 404, "");
    const target = /^\/(to|hop)\/(.+)$/.exec(new URL(req.url ?? "/", "http://site").pathname);
    if (target?.[1] === "to") return redirect(res, `/hop/${target[2]}`, 302);
    if (target?.[2]) return redirect(res, decodeURIComponent(target[2]), 302);
    return html(res, page("Nowhere"));
  },
  "redirect-file": (_req, res, path) => {
    if (path === "/robots.txt") return text(res, 404, "");
    return redirect(res, "file:///etc/passwd");
  },
  huge: (_req, res, path) => {
    if (path === "/robots.txt") return text(res, 404, "");
    // 20 MiB of HTML, streamed: the scraper must stop reading at its cap.
    res.writeHead(200, { "content-type": "text/html" });
    res.write("<!doctype html><html><head><title>Huge</title></head><body>");
    const chunk = `<p>${"x".repeat(1020)}</p>`;
    let sent = 0;
    const pump = () => {
      while (sent < 20 * 1024) {
        sent++;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      res.end("</body></html>");
    };
    res.on("error", () => {});
    pump();
  },
  slow: (_req, res, path) => {
    if (path === "/robots.txt") return text(res, 404, "");
    const timer = setTimeout(() => html(res, page("Finally")), 5000);
    res.on("close", () => clearTimeout(timer));
  },
  "not-html": (_req, res, path) => {
    if (path === "/robots.txt") return text(res, 404, "");
    text(res, 200, "%PDF-1.7 ...", "application/pdf");
  },
  "status-503": (_req, res, path) => {
    if (path === "/robots.txt") return text(res, 404, "");
    res.writeHead(503, { "content-type": "text/html", "retry-after": "120" });
    res.end("busy");
  },
  "status-404": (_req, res, path) => {
    if (path === "/robots.txt") return text(res, 404, "");
    text(res, 404, "gone", "text/html");
  },
};

/** An origin whose port was just given up: a scrape of it meets a refused connection. */
async function closedPortOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Sites for the bench: company sites with a Crawl-delay-free robots.txt. */
function generatedSite(): Handler {
  return companySite("User-agent: *\nAllow: /\n");
}

export interface FakeWebsites {
  /**
   * Site name → origin (`http://127.0.0.1:<port>`): one port per site, so one host per site.
   * `refused` is a port nothing listens on any more (connections are refused).
   */
  origins: Record<string, string>;
  hits(site: string): SiteHit[];
  close(): Promise<void>;
}

/**
 * Local stand-ins for company websites, one server (port) per site so that robots.txt caching
 * and per-host throttling see distinct hosts. Each site also answers `/__hits`, its request log
 * (robots.txt included), for tests in workerd that check politeness.
 */
export async function startFakeWebsites(options: { generated?: number } = {}): Promise<FakeWebsites> {
  const handlers: [string, Handler][] = Object.entries(SITES);
  for (let i = 0; i < (options.generated ?? 0); i++) handlers.push([`site-${i}`, generatedSite()]);
  const origins: Record<string, string> = {};
  const logs = new Map<string, SiteHit[]>();
  const servers = await Promise.all(
    handlers.map(async ([name, handler]) => {
      const log: SiteHit[] = [];
      logs.set(name, log);
      const server = createServer((req, res) => {
        const path = new URL(req.url ?? "/", "http://site").pathname;
        if (path === "/__hits") {
          res.writeHead(200, { "content-type": "application/json" });
          return res.end(JSON.stringify(log));
        }
        log.push({ path, at: Date.now(), userAgent: req.headers["user-agent"] ?? "" });
        handler(req, res, path);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origins[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return server;
    }),
  );
  origins.refused = await closedPortOrigin();
  return {
    origins,
    hits: (site) => logs.get(site) ?? [],
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
