import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  CloudBooksError,
  errorFromResponse,
} from "./errors.js";
import { Auth, Organizations, Projects, Users } from "./resources.js";
import type { LoginParams, LoginResponse, RateLimitState, ResponseInfo, TokenPair, User } from "./types.js";
import { VERSION } from "./version.js";

/** The API's production base URL. */
export const DEFAULT_BASE_URL = "https://api.cloudbooks.com/v1";

/** A `fetch` function: the platform's (Node 18+, browsers) unless `ClientOptions.fetch` gives one. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** How a {@link CloudBooks} client is made. */
export interface ClientOptions {
  /** The API key (`sk_live_…`). Default: the `CLOUDBOOKS_API_KEY` environment variable (Node). `null`: none. */
  apiKey?: string | null | undefined;
  /** The API's base URL, e.g. `http://127.0.0.1:8000/v1`. Default: `CLOUDBOOKS_BASE_URL`, else production. */
  baseURL?: string | undefined;
  /** Milliseconds to wait for each attempt's answer (default 60 000). */
  timeout?: number | undefined;
  /**
   * Retries after a connection error, a timeout, a 429 or a 500/502/503/504 (default 2; 0: none).
   * GET, HEAD, OPTIONS, PUT, PATCH and DELETE are retried; a POST only with its Idempotency-Key.
   */
  maxRetries?: number | undefined;
  /** The first backoff delay in seconds (default 0.5); it doubles each attempt, with jitter. */
  initialRetryDelay?: number | undefined;
  /** The longest backoff delay in seconds (default 8). */
  maxRetryDelay?: number | undefined;
  /** A `Retry-After` longer than this (seconds, default 60) is not waited for: the error is thrown. */
  maxRetryAfter?: number | undefined;
  /** Send a generated `Idempotency-Key` on every POST (default true), so POSTs can be retried safely. */
  idempotencyKeys?: boolean | undefined;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
  /** The `fetch` to use (default: `globalThis.fetch`). */
  fetch?: Fetch | undefined;
  /**
   * How the client waits between attempts (default: a timer). Tests pass a recorder; the
   * delay is in seconds.
   */
  sleep?: ((seconds: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

/** Options of a single call: the last argument of every method. */
export interface RequestOptions {
  /** Aborts the call (and its retries): it rejects with {@link APIUserAbortError}. */
  signal?: AbortSignal | undefined;
  /** Milliseconds to wait for each attempt of this call (overrides the client's `timeout`). */
  timeout?: number | undefined;
  /** Retries for this call (overrides the client's `maxRetries`). */
  maxRetries?: number | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
  /** A POST's `Idempotency-Key`: your own string, or `false` to send none (then it is never retried). */
  idempotencyKey?: string | false | undefined;
}

/** A request of {@link CloudBooks.request}. */
export interface RawRequest extends RequestOptions {
  /** The JSON body (serialized with `JSON.stringify`), or a string sent as is. */
  body?: unknown;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined> | undefined;
}

/** @internal A login's tokens. */
interface Session {
  access: string;
  refresh: string;
  /** `Date.now()` after which the access token is renewed before use. */
  refreshAt: number;
}

const RETRY_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]);
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Renew an access token this long (ms) before it expires, so a request never races expiry. */
const REFRESH_LEEWAY_MS = 30_000;

function env(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.[name];
  return value === "" ? undefined : value;
}

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === "string";
}

function uuid4(): string {
  const webCrypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (webCrypto?.randomUUID) return webCrypto.randomUUID();
  // Node 18 without the global crypto flag: an RFC 4122 v4 layout from Math.random.
  return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);
  });
}

function defaultSleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError("The request was aborted."));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, seconds * 1000);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new APIUserAbortError("The request was aborted."));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** @internal `Retry-After` in seconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, (when - now) / 1000);
}

function rateLimitFrom(headers: Headers): RateLimitState | null {
  const limit = headers.get("x-ratelimit-limit");
  const remaining = headers.get("x-ratelimit-remaining");
  const reset = headers.get("x-ratelimit-reset");
  if (limit === null || remaining === null || reset === null) return null;
  const state = { limit: Number(limit), remaining: Number(remaining), reset: Number(reset) };
  return Number.isFinite(state.limit) && Number.isFinite(state.remaining) && Number.isFinite(state.reset)
    ? state
    : null;
}

/**
 * The CloudBooks API client.
 *
 * ```ts
 * const cb = new CloudBooks({ apiKey: "sk_live_…", baseURL: "http://127.0.0.1:8000/v1" });
 * const me = await cb.users.me();
 * const cb2 = await CloudBooks.login({ email, password, baseURL }); // renews its tokens itself
 * ```
 */
export class CloudBooks {
  /** The API key sent as the bearer credential, unless the client holds a login. */
  readonly apiKey: string | null;
  /** The base URL, without a trailing slash. */
  readonly baseURL: string;
  /** `/users`: the caller's account and co-members. */
  readonly users: Users;
  /** `/organizations` and their members. */
  readonly organizations: Organizations;
  /** `/projects`. */
  readonly projects: Projects;
  /** `/auth`: login, refresh, logout, whoami. */
  readonly auth: Auth;
  /** The user of the login, for clients made by {@link CloudBooks.login}; null otherwise. */
  user: User | null = null;
  /** What the last successful response said: its request id and the rate-limit budget. */
  lastResponse: ResponseInfo | null = null;

  private readonly origin: string;
  private readonly timeout: number;
  private readonly maxRetries: number;
  private readonly initialRetryDelay: number;
  private readonly maxRetryDelay: number;
  private readonly maxRetryAfter: number;
  private readonly idempotencyKeys: boolean;
  private readonly defaultHeaders: Record<string, string>;
  private readonly fetchImpl: Fetch;
  private readonly sleep: (seconds: number, signal?: AbortSignal) => Promise<void>;
  private session: Session | null = null;
  /** The renewal under way: every caller that finds the token stale awaits the same one. */
  private renewing: Promise<void> | null = null;

  /** A client authenticated by API key (`options.apiKey`, else `CLOUDBOOKS_API_KEY`). */
  constructor(options: ClientOptions = {}) {
    this.apiKey = options.apiKey === undefined ? (env("CLOUDBOOKS_API_KEY") ?? null) : options.apiKey;
    this.baseURL = (options.baseURL ?? env("CLOUDBOOKS_BASE_URL") ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.origin = new URL(this.baseURL).origin;
    this.timeout = options.timeout ?? 60_000;
    this.maxRetries = options.maxRetries ?? 2;
    if (!(this.maxRetries >= 0)) throw new RangeError("maxRetries must be 0 or more");
    this.initialRetryDelay = options.initialRetryDelay ?? 0.5;
    this.maxRetryDelay = options.maxRetryDelay ?? 8;
    this.maxRetryAfter = options.maxRetryAfter ?? 60;
    this.idempotencyKeys = options.idempotencyKeys ?? true;
    this.defaultHeaders = { ...(options.defaultHeaders ?? {}) };
    const platformFetch = (globalThis as { fetch?: Fetch }).fetch;
    const chosen = options.fetch ?? platformFetch;
    if (!chosen) throw new CloudBooksError("No fetch: pass `fetch` in the options (Node 18+ has one).");
    // Called unbound: some platforms' fetch refuses a `this` other than globalThis.
    this.fetchImpl = options.fetch ?? ((input, init) => (platformFetch as Fetch)(input, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.users = new Users(this);
    this.organizations = new Organizations(this);
    this.projects = new Projects(this);
    this.auth = new Auth(this);
  }

  /**
   * A client signed in with email and password. It keeps the refresh token, renews the access
   * token shortly before it expires, and once more when the server answers 401.
   */
  static async login(params: LoginParams & Omit<ClientOptions, "apiKey">): Promise<CloudBooks> {
    const { email, password, ...options } = params;
    const client = new CloudBooks({ ...options, apiKey: null });
    await client.auth.login({ email, password });
    return client;
  }

  /** The bearer credential sent now: the login's access token, or the API key. */
  get accessToken(): string | null {
    return this.session?.access ?? this.apiKey;
  }

  /** True when the client holds a login (access and refresh tokens). */
  get isLoggedIn(): boolean {
    return this.session !== null;
  }

  /**
   * Call any endpoint. `path` is relative to the base URL (`"/projects"`) or an absolute URL;
   * the credential is only ever sent to the base URL's origin. Resolves to the decoded JSON
   * body (undefined for an empty one).
   */
  async request<T = unknown>(method: string, path: string, req: RawRequest = {}): Promise<T> {
    const response = await this.send(method, path, req, true);
    return (await decode(response)) as T;
  }

  /** @internal Login/refresh bookkeeping, used by `auth`. */
  async _login(params: LoginParams, options?: RequestOptions): Promise<LoginResponse> {
    const body = await decode(await this.send("POST", "/auth/login", { ...options, body: params }, false));
    const answer = body as LoginResponse;
    this.session = sessionFrom(answer);
    this.user = answer.user;
    return answer;
  }

  /** @internal Renew the access token now. */
  async _refresh(options?: RequestOptions): Promise<TokenPair> {
    const session = this.session;
    if (session === null) throw new CloudBooksError("refresh() renews a login; this client uses an API key.", { code: "no_login" });
    const body = await decode(
      await this.send("POST", "/auth/refresh", { ...options, body: { refresh: session.refresh } }, false),
    );
    const pair = body as TokenPair;
    this.session = sessionFrom(pair);
    return pair;
  }

  /** @internal End the login on the server and forget its tokens. */
  async _logout(options?: RequestOptions): Promise<void> {
    const session = this.session;
    if (session === null) {
      throw new CloudBooksError("logout() ends a login; this client uses an API key.", { code: "no_login" });
    }
    await this.send("POST", "/auth/logout", { ...options, body: { refresh: session.refresh } }, true);
    this.session = null;
  }

  /** Renews once for everyone waiting: concurrent callers share one refresh request. */
  private renew(staleAccess: string | null): Promise<void> {
    if (this.session === null || this.session.access !== staleAccess) return Promise.resolve();
    this.renewing ??= this._refresh()
      .then(() => undefined)
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  private async bearer(): Promise<string | null> {
    const session = this.session;
    if (session !== null && Date.now() >= session.refreshAt) await this.renew(session.access);
    return this.accessToken;
  }

  /** Sends with retries, renewal and bookkeeping; throws the API's error. */
  private async send(method: string, path: string, req: RawRequest, authenticated: boolean): Promise<Response> {
    method = method.toUpperCase();
    const url = this.urlFor(path, req.query);
    const sameOrigin = new URL(url).origin === this.origin;
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...this.defaultHeaders,
      ...(req.headers ?? {}),
    };
    if (isNode()) {
      headers["User-Agent"] ??= `cloudbooks-sdk-typescript/${VERSION}`;
    }
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
        headers["Content-Type"] = "application/json";
      }
    }
    let hasKey = Object.keys(headers).some((h) => h.toLowerCase() === "idempotency-key");
    if (method === "POST" && !hasKey && req.idempotencyKey !== false) {
      const key = req.idempotencyKey ?? (this.idempotencyKeys ? uuid4() : undefined);
      if (key !== undefined) {
        headers["Idempotency-Key"] = key;
        hasKey = true;
      }
    }
    const retryable = RETRY_METHODS.has(method) || (method === "POST" && hasKey);
    const maxRetries = req.maxRetries ?? this.maxRetries;
    const timeout = req.timeout ?? this.timeout;
    let attempt = 0;
    let renewed = false;

    for (;;) {
      const attemptHeaders = { ...headers };
      const bearer = authenticated && sameOrigin ? await this.bearer() : null;
      if (bearer !== null) attemptHeaders.Authorization = `Bearer ${bearer}`;

      let response: Response;
      try {
        response = await this.fetchWithTimeout(url, { method, headers: attemptHeaders, body }, timeout, req.signal);
      } catch (error) {
        if (error instanceof APIUserAbortError || !retryable || attempt >= maxRetries) throw error;
        await this.sleep(this.backoff(attempt), req.signal);
        attempt += 1;
        continue;
      }

      if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
        // Never followed: a redirect could carry the credential to another origin.
        throw new APIError(
          `The API answered with a redirect (${response.status}) to ${response.headers.get("location") ?? "an unknown place"}; the SDK does not follow redirects.`,
          { status: response.status, code: "redirect", headers: response.headers },
        );
      }

      if (response.status === 401 && bearer !== null && this.session !== null && !renewed) {
        // Expired or revoked before our clock said so: renew once, retry once.
        renewed = true;
        await response.body?.cancel();
        await this.renew(bearer);
        continue;
      }

      const rateLimit = rateLimitFrom(response.headers);
      if (response.ok) {
        this.lastResponse = {
          status: response.status,
          requestId: response.headers.get("x-request-id"),
          rateLimit,
          idempotentReplayed: response.headers.get("idempotent-replayed") === "true",
          headers: response.headers,
        };
        return response;
      }

      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      if (retryable && attempt < maxRetries && RETRY_STATUSES.has(response.status)) {
        const delay = retryAfter === null ? this.backoff(attempt) : retryAfter <= this.maxRetryAfter ? retryAfter : null;
        if (delay !== null) {
          await response.body?.cancel();
          await this.sleep(delay, req.signal);
          attempt += 1;
          continue;
        }
      }
      const parsed = await decode(response).catch(() => undefined);
      throw errorFromResponse(response.status, response.headers, parsed, { retryAfter, rateLimit });
    }
  }

  private urlFor(path: string, query: RawRequest["query"]): string {
    const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(this.baseURL + "/" + path.replace(/^\/+/, ""));
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  /** Exponential backoff with "equal jitter" (half fixed, half random), in seconds. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxRetryDelay, this.initialRetryDelay * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private async fetchWithTimeout(
    url: string,
    init: { method: string; headers: Record<string, string>; body: string | undefined },
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    if (signal?.aborted) throw new APIUserAbortError("The request was aborted.");
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await this.fetchImpl(url, {
        method: init.method,
        headers: init.headers,
        ...(init.body === undefined ? {} : { body: init.body }),
        signal: controller.signal,
        redirect: "manual",
      });
    } catch (error) {
      if (signal?.aborted) throw new APIUserAbortError("The request was aborted.", { cause: error });
      if (timedOut) throw new APITimeoutError(`No answer from ${url} within ${timeout} ms.`, { cause: error });
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new APIConnectionError(`Could not connect to ${new URL(url).origin}: ${reason}`, { cause: error });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

function sessionFrom(tokens: TokenPair): Session {
  const lifetimeMs = tokens.expires_in * 1000;
  return {
    access: tokens.token,
    refresh: tokens.refresh,
    refreshAt: Date.now() + lifetimeMs - Math.min(REFRESH_LEEWAY_MS, lifetimeMs / 2),
  };
}

async function decode(response: Response): Promise<unknown> {
  const text = await response.text();
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}
