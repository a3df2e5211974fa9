// S27-S33: the metadata of a successful call, idempotency keys, retries with backoff, and
// per-request timeouts and AbortSignal.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  BadGatewayError,
  CloudBooks,
  GatewayTimeoutError,
  ServiceUnavailableError,
} from "@cloudbooks/sdk";
import { closedPort, fault, olive, recorder, recordingListener, server, unique } from "./helpers.js";

describe("metadata of a successful call", () => {
  test("S27 — request id and budget after each call; remaining goes down by one; same as whoami", async () => {
    const cb = await olive();
    await cb.users.me();
    const first = cb.lastResponse;
    assert.ok(first);
    assert.match(first.requestId ?? "", /^req_/);
    assert.equal(first.status, 200);
    assert.ok(first.rateLimit);
    assert.equal(first.rateLimit.limit, 1000);
    assert.ok(first.rateLimit.reset > Date.now() / 1000);
    await cb.users.me();
    const second = cb.lastResponse;
    assert.ok(second?.rateLimit);
    assert.equal(second.rateLimit.remaining, first.rateLimit.remaining - 1);
    assert.notEqual(second.requestId, first.requestId);
    const who = await cb.auth.whoami();
    assert.deepEqual(cb.lastResponse?.rateLimit, {
      limit: who.rate_limit.limit,
      remaining: who.rate_limit.remaining,
      reset: who.rate_limit.reset,
    });
    assert.equal(who.rate_limit.remaining, second.rateLimit.remaining - 1);
  });
});

describe("retries and idempotency", () => {
  test("S28 — a POST carries a generated Idempotency-Key, and its retry the same key: one project", async () => {
    const slept = recorder();
    const cb = await olive({ sleep: slept.sleep });
    const org = await cb.organizations.create({ name: unique("Retry Org") }, { headers: fault("503;times=1") });
    assert.equal(slept.delays.length, 1);
    assert.equal((await cb.organizations.list({ limit: 100 }).toArray()).filter((o) => o.name === org.name).length, 1);

    const name = unique("Retried");
    await cb.projects.create({ organization: org.id, name }, { headers: fault("503;times=1") });
    assert.equal(slept.delays.length, 2);
    assert.equal((await cb.projects.list({ organization: org.id }).toArray()).filter((p) => p.name === name).length, 1);

    // The first attempt creates the project but its answer is lost: the retry replays it.
    const lostName = unique("Lost answer");
    const created = await cb.projects.create(
      { organization: org.id, name: lostName },
      { headers: fault("503;times=1;after-view") },
    );
    assert.equal(slept.delays.length, 3);
    assert.equal(cb.lastResponse?.idempotentReplayed, true);
    const same = (await cb.projects.list({ organization: org.id }).toArray()).filter((p) => p.name === lostName);
    assert.deepEqual(same.map((p) => p.id), [created.id]);

    const lostOrg = await cb.organizations.create({ name: unique("Lost org") }, { headers: fault("503;times=1;after-view") });
    assert.equal((await cb.organizations.list({ limit: 100 }).toArray()).filter((o) => o.name === lostOrg.name).length, 1);
    await cb.organizations.delete(lostOrg.id);
    await cb.organizations.delete(org.id);
  });

  test("S28 — the key sent is a fresh one per call, and the caller's own when given", async () => {
    const seen = await recordingListener(() => ({ status: 201, body: "{}" }));
    try {
      const cb = new CloudBooks({ apiKey: "sk_live_x", baseURL: `${seen.origin}/v1` });
      await cb.request("POST", "/projects", { body: {} });
      await cb.request("POST", "/projects", { body: {} });
      await cb.request("POST", "/projects", { body: {}, idempotencyKey: "mine-1" });
      const keys = seen.seen.map((r) => r.headers["idempotency-key"]);
      assert.equal(keys.length, 3);
      assert.ok(keys[0] && keys[1] && keys[0] !== keys[1]);
      assert.equal(keys[2], "mine-1");
    } finally {
      await seen.close();
    }
  });

  test("S29 — a closed port: users.me( retried with growing, jittered delays, then APIConnectionError", async () => {
    const slept = recorder();
    const cb = new CloudBooks({
      apiKey: "sk_live_x",
      baseURL: `http://127.0.0.1:${await closedPort()}/v1`,
      maxRetries: 3,
      sleep: slept.sleep,
    });
    await assert.rejects(cb.users.me(), (error: unknown) => {
      assert.ok(error instanceof APIConnectionError);
      assert.equal(error.status, undefined);
      return true;
    });
    assert.equal(slept.delays.length, 3);
    for (let i = 1; i < slept.delays.length; i++) {
      assert.ok((slept.delays[i] ?? 0) >= (slept.delays[i - 1] ?? 0), `delays grow: ${slept.delays.join(", ")}`);
    }
    // Jitter: each delay lies in [ceiling/2, ceiling] for ceiling = 0.5 * 2^attempt.
    slept.delays.forEach((d, attempt) => {
      const ceiling = 0.5 * 2 ** attempt;
      assert.ok(d >= ceiling / 2 && d <= ceiling, `delay ${d} for attempt ${attempt}`);
    });
    const post = recorder();
    const poster = new CloudBooks({ apiKey: "sk_live_x", baseURL: cb.baseURL, maxRetries: 3, sleep: post.sleep });
    await assert.rejects(poster.projects.create({ organization: "x", name: "y" }), APIConnectionError);
    assert.equal(post.delays.length, 3);
  });

  test("S30 — a 429 with Retry-After: 1 is retried after 1 second, not the backoff", async () => {
    const slept = recorder();
    const cb = await olive({ sleep: slept.sleep });
    const me = await cb.users.me({ headers: fault("429;times=1") });
    assert.equal(me.email, (await server()).email);
    assert.deepEqual(slept.delays, [1]);
  });

  test("S31 — 503 twice succeeds on the third attempt; 500, 502 and 504 once on the second", async () => {
    const slept = recorder();
    const cb = await olive({ sleep: slept.sleep });
    await cb.users.me({ headers: fault("503;times=2") });
    assert.equal(slept.delays.length, 2);
    for (const status of ["500", "502", "504"]) {
      const before: number = slept.delays.length;
      await cb.users.me({ headers: fault(`${status};times=1`) });
      assert.equal(slept.delays.length, before + 1, status);
    }
  });

  test("S32 — retries give up: 503 ten times raises the 503 after maxRetries delays", async () => {
    for (const maxRetries of [2, 4]) {
      const slept = recorder();
      const cb = await olive({ sleep: slept.sleep, maxRetries });
      await assert.rejects(cb.users.me({ headers: fault("503;times=10") }), ServiceUnavailableError);
      assert.equal(slept.delays.length, maxRetries);
    }
    const slept = recorder();
    const cb = await olive({ sleep: slept.sleep, maxRetries: 5 });
    await assert.rejects(cb.users.me({ headers: fault("502;times=10"), maxRetries: 1 }), BadGatewayError);
    assert.equal(slept.delays.length, 1, "a request's maxRetries overrides the client's");
  });

  test("S33 — a POST without an Idempotency-Key is not retried; PATCH is (documented)", async () => {
    const slept = recorder();
    const cb = await olive({ sleep: slept.sleep });
    const org = await cb.organizations.create({ name: unique("Unsafe Org") });
    const name = unique("Not retried");
    await assert.rejects(
      cb.projects.create({ organization: org.id, name }, { idempotencyKey: false, headers: fault("503;times=1") }),
      ServiceUnavailableError,
    );
    assert.equal(slept.delays.length, 0);
    const noKeys = await olive({ sleep: slept.sleep, idempotencyKeys: false });
    await assert.rejects(noKeys.organizations.create({ name: unique("X") }, { headers: fault("504;times=1") }), GatewayTimeoutError);
    assert.equal(slept.delays.length, 0);
    assert.deepEqual(await cb.projects.list({ organization: org.id }).toArray(), []);
    // PATCH sets fields to given values, so the SDK retries it.
    const patched = await cb.organizations.update(org.id, { description: "retried" }, { headers: fault("503;times=1") });
    assert.equal(patched.description, "retried");
    assert.equal(slept.delays.length, 1);
    await cb.organizations.delete(org.id);
  });
});

describe("timeouts and cancellation", () => {
  async function silentListener(): Promise<{ url: string; close: () => Promise<void> }> {
    const sockets = new Set<import("node:net").Socket>();
    const listener = createServer(() => {
      /* never answers */
    });
    listener.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const { port } = listener.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/v1`,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          listener.close(() => resolve());
        }),
    };
  }

  test("a per-request timeout raises APITimeoutError (retried like a connection error)", async () => {
    const silent = await silentListener();
    try {
      const slept = recorder();
      const cb = new CloudBooks({ apiKey: "sk_live_x", baseURL: silent.url, sleep: slept.sleep, maxRetries: 1 });
      await assert.rejects(cb.users.me({ timeout: 100 }), (error: unknown) => {
        assert.ok(error instanceof APITimeoutError);
        assert.ok(error instanceof APIConnectionError);
        return true;
      });
      assert.equal(slept.delays.length, 1);
    } finally {
      await silent.close();
    }
  });

  test("an AbortSignal ends the call with APIUserAbortError, without retrying", async () => {
    const silent = await silentListener();
    try {
      const slept = recorder();
      const cb = new CloudBooks({ apiKey: "sk_live_x", baseURL: silent.url, sleep: slept.sleep });
      const controller = new AbortController();
      const call = cb.users.me({ signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(call, APIUserAbortError);
      assert.equal(slept.delays.length, 0);
      await assert.rejects(cb.users.me({ signal: AbortSignal.abort() }), APIUserAbortError);
    } finally {
      await silent.close();
    }
  });
});
