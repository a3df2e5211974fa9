import type { RateLimitState } from "./types.js";

/**
 * The brand every CloudBooks error carries: the names of the error classes it is an
 * instance of. `Symbol.for` makes it the same symbol in every copy of the SDK loaded in one
 * process (the ESM and the CommonJS build, or two bundled copies), so `instanceof` works
 * across them.
 */
const BRAND: unique symbol = Symbol.for("cloudbooks.sdk.error") as never;

function brandsOf(value: unknown): readonly string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const brands = (value as { [BRAND]?: unknown })[BRAND];
  return Array.isArray(brands) ? (brands as string[]) : undefined;
}

/**
 * The base class of every error the SDK throws.
 *
 * `status` is the HTTP status (undefined when no answer came: {@link APIConnectionError});
 * `code`, `message`, `details` and `requestId` are the API's error envelope
 * `{"error": {"code", "message", "details", "request_id"}}`.
 *
 * `instanceof` works across the ESM and CommonJS builds of the SDK loaded side by side.
 */
export class CloudBooksError extends Error {
  /** The class's brand name, checked by `instanceof`. */
  static readonly brand: string = "CloudBooksError";

  /** The HTTP status of the answer, or undefined when there was none. */
  readonly status: number | undefined;
  /** The envelope's machine-readable code, e.g. `"not_found"`. */
  readonly code: string;
  /** The envelope's `details`: e.g. `{ field, issue }` for an invalid request. */
  readonly details: Readonly<Record<string, unknown>>;
  /** The request id (`X-Request-Id`), to quote to support; undefined when there was no answer. */
  readonly requestId: string | undefined;
  /** The response's headers, when there was a response. */
  readonly headers: Headers | undefined;
  declare readonly [BRAND]: readonly string[];

  /** Made by the SDK; `init` carries the envelope's fields and the response's headers. */
  constructor(
    message: string,
    init: {
      status?: number | undefined;
      code?: string;
      details?: Record<string, unknown>;
      requestId?: string | undefined;
      headers?: Headers | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code ?? "error";
    this.details = init.details ?? {};
    this.requestId = init.requestId;
    this.headers = init.headers;
    const brands: string[] = [];
    for (let klass: unknown = new.target; typeof klass === "function"; klass = Object.getPrototypeOf(klass)) {
      if (Object.prototype.hasOwnProperty.call(klass, "brand")) {
        brands.push((klass as unknown as { brand: string }).brand);
      }
    }
    Object.defineProperty(this, BRAND, { value: Object.freeze(brands), enumerable: false });
  }

  /** `error instanceof NotFoundError`, true for errors of either build of the SDK. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!Object.prototype.hasOwnProperty.call(this, "brand")) {
      // A caller's own subclass without a brand: the ordinary prototype check.
      return Function.prototype[Symbol.hasInstance].call(this, value);
    }
    return brandsOf(value)?.includes((this as unknown as { brand: string }).brand) ?? false;
  }
}

/** An HTTP answer with an error status (4xx, 5xx); the subclasses name each status. */
export class APIError extends CloudBooksError {
  static override readonly brand: string = "APIError";
  declare readonly status: number;
}

/** 400 or 422 `invalid_request`: `details.field` names the field, `details.issue` says why. */
export class InvalidRequestError extends APIError {
  static override readonly brand: string = "InvalidRequestError";
}
/** 401 `unauthorized`: a missing, unknown, expired or revoked credential. */
export class UnauthorizedError extends APIError {
  static override readonly brand: string = "UnauthorizedError";
}
/** 403 `forbidden`: e.g. a write with a read-only key, or a role that may not do this. */
export class ForbiddenError extends APIError {
  static override readonly brand: string = "ForbiddenError";
}
/** 404 `not_found`: no such object, or one the caller may not see. */
export class NotFoundError extends APIError {
  static override readonly brand: string = "NotFoundError";
}
/** 409 `conflict`: e.g. a taken slug, the last owner leaving, a request still running. */
export class ConflictError extends APIError {
  static override readonly brand: string = "ConflictError";
}
/** 413 `payload_too_large`: the body is over the API's limit (1 MiB). */
export class PayloadTooLargeError extends APIError {
  static override readonly brand: string = "PayloadTooLargeError";
}
/** 415 `unsupported_media_type`: the body is not JSON. */
export class UnsupportedMediaTypeError extends APIError {
  static override readonly brand: string = "UnsupportedMediaTypeError";
}

/**
 * 429 `rate_limit_exceeded`: the plan's hourly budget is spent (or too many requests at once).
 * `retryAfter` is how many seconds to wait (the `Retry-After` header).
 */
export class RateLimitError extends APIError {
  static override readonly brand: string = "RateLimitError";
  /** Seconds to wait before trying again, from `Retry-After`; null when absent. */
  readonly retryAfter: number | null;
  /** Requests per hour of the plan; null when the answer did not say. */
  readonly limit: number | null;
  /** Requests left in this hour; null when the answer did not say. */
  readonly remaining: number | null;
  /** Unix seconds when the budget renews; null when the answer did not say. */
  readonly reset: number | null;

  /** Made by the SDK from a 429 answer, its `Retry-After` and its `X-RateLimit-*` headers. */
  constructor(
    message: string,
    init: ConstructorParameters<typeof CloudBooksError>[1] & {
      retryAfter?: number | null;
      rateLimit?: RateLimitState | null;
    } = {},
  ) {
    super(message, init);
    this.retryAfter = init.retryAfter ?? null;
    const fromDetails = (key: string): number | null => {
      const value = this.details[key];
      return typeof value === "number" ? value : null;
    };
    this.limit = init.rateLimit?.limit ?? fromDetails("limit");
    this.remaining = init.rateLimit?.remaining ?? (this.limit === null ? null : 0);
    this.reset = init.rateLimit?.reset ?? fromDetails("reset");
  }
}

/** 500 `internal_error`. */
export class InternalServerError extends APIError {
  static override readonly brand: string = "InternalServerError";
}
/** 502 `bad_gateway`: a proxy in front of the API got no valid answer. */
export class BadGatewayError extends APIError {
  static override readonly brand: string = "BadGatewayError";
}
/** 503 `service_unavailable`: the API (or a part it needs) is down for a moment. */
export class ServiceUnavailableError extends APIError {
  static override readonly brand: string = "ServiceUnavailableError";
}
/** 504 `gateway_timeout`: a proxy in front of the API gave up waiting. */
export class GatewayTimeoutError extends APIError {
  static override readonly brand: string = "GatewayTimeoutError";
}

/** No answer: the connection failed (refused, reset, DNS). `status` is undefined. */
export class APIConnectionError extends CloudBooksError {
  static override readonly brand: string = "APIConnectionError";
}
/** No answer within the timeout (the client's `timeout` or the request's). */
export class APITimeoutError extends APIConnectionError {
  static override readonly brand: string = "APITimeoutError";
}
/** The caller aborted the request through its `AbortSignal`. */
export class APIUserAbortError extends CloudBooksError {
  static override readonly brand: string = "APIUserAbortError";
}

const BY_STATUS: Readonly<Record<number, typeof APIError>> = {
  400: InvalidRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  422: InvalidRequestError,
  500: InternalServerError,
  502: BadGatewayError,
  503: ServiceUnavailableError,
  504: GatewayTimeoutError,
};

/** @internal The error for an answer with an error status, from its envelope and headers. */
export function errorFromResponse(
  status: number,
  headers: Headers,
  body: unknown,
  extra: { retryAfter: number | null; rateLimit: RateLimitState | null },
): APIError {
  const envelope =
    typeof body === "object" && body !== null && "error" in body
      ? (body as { error: unknown }).error
      : undefined;
  const fields = typeof envelope === "object" && envelope !== null ? (envelope as Record<string, unknown>) : {};
  const code = typeof fields.code === "string" ? fields.code : `http_${status}`;
  const message = typeof fields.message === "string" ? fields.message : `HTTP ${status}`;
  const details =
    typeof fields.details === "object" && fields.details !== null
      ? (fields.details as Record<string, unknown>)
      : {};
  const requestId =
    (typeof fields.request_id === "string" ? fields.request_id : undefined) ??
    headers.get("x-request-id") ??
    undefined;
  const init = { status, code, details, requestId, headers };
  if (status === 429) {
    return new RateLimitError(message, { ...init, retryAfter: extra.retryAfter, rateLimit: extra.rateLimit });
  }
  const Klass = BY_STATUS[status] ?? APIError;
  return new Klass(message, init);
}
