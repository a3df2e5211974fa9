// S17-S26: one error class per envelope code, each with status, code, message, details and
// requestId (equal to the response's X-Request-Id).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import {
  APIError,
  BadGatewayError,
  CloudBooks,
  CloudBooksError,
  ConflictError,
  ForbiddenError,
  GatewayTimeoutError,
  InternalServerError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "@cloudbooks/sdk";
import { fault, olive, pablo, server, unique } from "./helpers.js";

/** Asserts the error is a `Klass` with the envelope's fields, and returns it. */
async function expectError<E extends APIError>(
  promise: Promise<unknown>,
  Klass: abstract new (...args: never[]) => E,
  status: number,
  code: string,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Klass, `expected ${Klass.name}, got ${String(error)}`);
    assert.ok(error instanceof APIError && error instanceof CloudBooksError && error instanceof Error);
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    assert.ok(error.message.length > 0);
    assert.equal(typeof error.details, "object");
    assert.match(error.requestId ?? "", /\S/);
    assert.equal(error.requestId, error.headers?.get("x-request-id"));
    return error;
  }
  assert.fail(`expected ${Klass.name}, but the call succeeded`);
}

describe("errors", () => {
  test("S17 — 400 invalid_request names the field: projects.create( in a stranger's organization, limit=500", async () => {
    const cb = await olive();
    const e1 = await expectError(
      cb.projects.create({ organization: randomUUID(), name: unique("Nope") }),
      InvalidRequestError,
      400,
      "invalid_request",
    );
    assert.equal(e1.details.field, "organization");
    assert.equal(typeof e1.details.issue, "string");
    const e2 = await expectError(cb.projects.list({ limit: 500 }).toArray(), InvalidRequestError, 400, "invalid_request");
    assert.equal(e2.details.field, "limit");
    assert.equal(typeof e2.details.issue, "string");
  });

  test("S18 — 401 unauthorized: sk_live_ plus 40 wrong characters", async () => {
    const cb = new CloudBooks({ apiKey: "sk_live_" + "Z".repeat(40), baseURL: (await server()).base_url });
    await expectError(cb.users.me(), UnauthorizedError, 401, "unauthorized");
  });

  test("S19 — 403 forbidden: a write with the read_only key", async () => {
    const s = await server();
    const cb = new CloudBooks({ apiKey: s.read_only_key, baseURL: s.base_url });
    await expectError(cb.organizations.create({ name: unique("RO") }), ForbiddenError, 403, "forbidden");
  });

  test("S20 — 403 forbidden by role: Pablo, a member, cannot delete Olive's project; it is still there", async () => {
    const s = await server();
    const cb = await olive();
    const org = await cb.organizations.create({ name: unique("Role Org") });
    const project = await cb.projects.create({ organization: org.id, name: unique("Kept") });
    await cb.organizations.members(org.id).add({ email: s.pro_email, role: "member" });
    const p = await pablo();
    await expectError(p.projects.delete(project.id), ForbiddenError, 403, "forbidden");
    assert.equal((await cb.projects.get(project.id)).id, project.id);
    await cb.organizations.delete(org.id);
  });

  test("S21 — 404 not_found: projects.get( of a random id", async () => {
    await expectError((await olive()).projects.get(randomUUID()), NotFoundError, 404, "not_found");
  });

  test("S22 — 409 conflict: the only owner cannot leave; the organization keeps her", async () => {
    const cb = await olive();
    const me = await cb.users.me();
    const org = await cb.organizations.create({ name: unique("Owner Org") });
    await expectError(cb.organizations.members(org.id).remove(me.id), ConflictError, 409, "conflict");
    assert.equal((await cb.organizations.members(org.id).get(me.id)).role, "owner");
    await cb.organizations.delete(org.id);
  });

  test("S23 — 413 payload_too_large: a 1.1 MiB description", async () => {
    const cb = await olive();
    const org = await cb.organizations.create({ name: unique("Big Org") });
    const description = "x".repeat(Math.ceil(1.1 * 1024 * 1024));
    await expectError(
      cb.projects.create({ organization: org.id, name: unique("Big"), description }),
      PayloadTooLargeError,
      413,
      "payload_too_large",
    );
    assert.deepEqual(await cb.projects.list({ organization: org.id }).toArray(), []);
    await cb.organizations.delete(org.id);
  });

  test("S24 — 415 unsupported_media_type: a raw POST with Content-Type text/plain", async () => {
    const cb = await olive();
    await expectError(
      cb.request("POST", "/organizations", { body: "name=Plain", headers: { "Content-Type": "text/plain" } }),
      UnsupportedMediaTypeError,
      415,
      "unsupported_media_type",
    );
  });

  test("S25 — 422: one Idempotency-Key with two bodies; the same body replays the first answer", async () => {
    const cb = await olive();
    const org = await cb.organizations.create({ name: unique("Idem Org") });
    const key = randomUUID();
    const name = unique("Once");
    const first = await cb.projects.create({ organization: org.id, name }, { idempotencyKey: key });
    assert.equal(cb.lastResponse?.idempotentReplayed, false);
    const mismatch = await expectError(
      cb.projects.create({ organization: org.id, name: unique("Other") }, { idempotencyKey: key }),
      InvalidRequestError,
      422,
      "invalid_request",
    );
    assert.equal(mismatch.details.field, "Idempotency-Key");
    assert.equal((await cb.projects.list({ organization: org.id }).toArray()).length, 1);
    const again = await cb.projects.create({ organization: org.id, name }, { idempotencyKey: key });
    assert.equal(cb.lastResponse?.idempotentReplayed, true);
    assert.equal(cb.lastResponse?.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(again, first);
    assert.equal((await cb.projects.list({ organization: org.id }).toArray()).length, 1);
    await cb.organizations.delete(org.id);
  });

  test("S26 — without retries: 429 is a RateLimitError with retryAfter 1; 500, 502, 503, 504 their own errors", async () => {
    const cb = await olive({ maxRetries: 0 });
    const limited = await expectError(cb.users.me({ headers: fault("429;times=1") }), RateLimitError, 429, "rate_limit_exceeded");
    assert.equal(limited.retryAfter, 1);
    assert.ok(limited.limit === null || typeof limited.limit === "number");
    assert.ok("remaining" in limited && "reset" in limited);
    await expectError(cb.users.me({ headers: fault("500;times=1") }), InternalServerError, 500, "internal_error");
    await expectError(cb.users.me({ headers: fault("502;times=1") }), BadGatewayError, 502, "bad_gateway");
    const unavailable = await expectError(
      cb.users.me({ headers: fault("503;times=1") }),
      ServiceUnavailableError,
      503,
      "service_unavailable",
    );
    assert.equal(unavailable.headers?.get("retry-after"), "1");
    await expectError(cb.users.me({ headers: fault("504;times=1") }), GatewayTimeoutError, 504, "gateway_timeout");
  });
});
