// Shared by the tests: the live sdk-server's credentials, clients for Olive (free plan) and
// Pablo (pro plan), unique names and a delay recorder instead of real sleeps.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after } from "node:test";
import { CloudBooks, type ClientOptions } from "@cloudbooks/sdk";

export interface ServerInfo {
  base_url: string;
  email: string;
  password: string;
  api_key: string;
  read_only_key: string;
  pro_email: string;
  pro_password: string;
}

let started: Promise<ServerInfo> | null = null;

/** The server given by $CLOUDBOOKS_SDK_SERVER (scripts/run-tests.mjs), else one of this file's own. */
export function server(): Promise<ServerInfo> {
  started ??= (async () => {
    const line = process.env.CLOUDBOOKS_SDK_SERVER;
    if (line) return JSON.parse(line) as ServerInfo;
    // build/test/helpers.js -> scripts/sdk-server.mjs (a plain .mjs helper, shared with ci.sh)
    const helper = new URL("../../scripts/sdk-server.mjs", import.meta.url).href;
    const { startServer } = (await import(helper)) as {
      startServer: () => Promise<{ info: ServerInfo; stop: () => Promise<unknown> }>;
    };
    const own = await startServer();
    after(async () => {
      await own.stop();
    });
    return own.info;
  })();
  return started;
}

/** Delays the client would have slept, in seconds (recorded instead of waited). */
export function recorder(): { delays: number[]; sleep: (seconds: number) => Promise<void> } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (seconds: number) => {
      delays.push(seconds);
    },
  };
}

/** Olive's client with her read_write API key. */
export async function olive(options: ClientOptions = {}): Promise<CloudBooks> {
  const s = await server();
  return new CloudBooks({ apiKey: s.api_key, baseURL: s.base_url, ...options });
}

/** Olive, logged in with email and password. */
export async function oliveLogin(options: Omit<ClientOptions, "apiKey"> = {}): Promise<CloudBooks> {
  const s = await server();
  return CloudBooks.login({ email: s.email, password: s.password, baseURL: s.base_url, ...options });
}

/** Pablo (pro plan), logged in. */
export async function pablo(options: Omit<ClientOptions, "apiKey"> = {}): Promise<CloudBooks> {
  const s = await server();
  return CloudBooks.login({ email: s.pro_email, password: s.pro_password, baseURL: s.base_url, ...options });
}

/** A name no other step uses. */
export function unique(prefix: string): string {
  return `${prefix} ${randomUUID().slice(0, 8)}`;
}

/** A `CloudBooks-Test-Fault` header with a fresh id (before `;after-view`, where the server wants it). */
export function fault(spec: string): Record<string, string> {
  const afterView = spec.endsWith(";after-view");
  const base = afterView ? spec.slice(0, -";after-view".length) : spec;
  return { "CloudBooks-Test-Fault": `${base};id=${randomUUID()}${afterView ? ";after-view" : ""}` };
}

/** A local HTTP listener on another port: it records the headers of every request it gets. */
export async function recordingListener(
  answer: (url: string) => { status: number; headers?: Record<string, string>; body?: string } = () => ({
    status: 200,
    body: "{}",
  }),
): Promise<{ origin: string; seen: { url: string; headers: IncomingHttpHeaders }[]; close: () => Promise<void> }> {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const listener: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    const { status, headers, body } = answer(req.url ?? "");
    res.writeHead(status, { "Content-Type": "application/json", ...(headers ?? {}) });
    res.end(body ?? "");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const { port } = listener.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => listener.close(() => resolve())),
  };
}

/** A local port nothing listens on. */
export async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const { port } = listener.address() as AddressInfo;
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return port;
}
