#!/usr/bin/env node
// Browser check: Chromium (playwright-core driving /usr/bin/chromium, headless) loads a page
// that imports the ESM build and logs in + lists projects against the sdk-server.
//
// The sdk-server sends no CORS headers, so the page and the API must share an origin: this
// script serves, on 127.0.0.1, the page (/), the ESM build (/sdk/*) and a proxy of /v1/* to
// the sdk-server. Needs $CLOUDBOOKS_SDK_SERVER (the server's JSON line) and a built dist/.
import { readFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import { dirname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const esmDir = resolve(here, "..", "..", "dist", "esm");
const info = JSON.parse(process.env.CLOUDBOOKS_SDK_SERVER ?? "");
const api = new URL(info.base_url);
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

const site = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname.startsWith("/v1/") || url.pathname === "/v1") {
    // Same-origin proxy to the sdk-server.
    const upstream = httpRequest(
      { host: api.hostname, port: api.port, path: req.url, method: req.method, headers: { ...req.headers, host: api.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
    return;
  }
  const file =
    url.pathname === "/" ? join(here, "index.html") : url.pathname.startsWith("/sdk/") ? join(esmDir, normalize(url.pathname.slice(5))) : null;
  if (file === null || !(file.startsWith(esmDir) || file === join(here, "index.html"))) {
    res.writeHead(404);
    res.end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "Content-Type": TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((done) => site.listen(0, "127.0.0.1", done));
const origin = `http://127.0.0.1:${site.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
let status = 1;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // The 404s of the page's own not-found call and of /favicon.ico are expected.
  page.on("console", (m) => m.type() === "error" && !m.text().includes("404") && errors.push(m.text()));
  const hash = new URLSearchParams({ email: info.email, password: info.password }).toString();
  await page.goto(`${origin}/#${hash}`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.__result);
  const ok =
    result.ok && result.email === info.email && result.names.join() === "three,two,one" && result.notFound === true;
  console.log(`browser check: ${ok ? "ok" : "FAILED"} ${JSON.stringify(result)}${errors.length ? ` errors: ${errors.join(" | ")}` : ""}`);
  status = ok ? 0 : 1;
} finally {
  await browser.close();
  site.close();
}
process.exit(status);
