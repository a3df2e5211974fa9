// S1-S10: logins, API keys, whoami, refresh (explicit and transparent), logout, and a bearer
// token that never leaves its host.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { APIError, CloudBooks, CloudBooksError, ForbiddenError, UnauthorizedError } from "@cloudbooks/sdk";
import { fault, olive, oliveLogin, pablo, recordingListener, server, unique } from "./helpers.js";

describe("credentials", () => {
  test("S1 — Olive logs in: the client knows her, holds an access token, and users.me( returns her", async () => {
    const s = await server();
    const cb = await CloudBooks.login({ email: s.email, password: s.password, baseURL: s.base_url });
    assert.equal(cb.user?.email, s.email);
    assert.equal(cb.isLoggedIn, true);
    assert.ok(cb.accessToken && !cb.accessToken.startsWith("sk_live_"));
    const me = await cb.users.me();
    assert.equal(me.email, s.email);
  });

  test("S2 — a client with Olive's api_key gets her; a key that does not exist is a 401", async () => {
    const s = await server();
    const me = await (await olive()).users.me();
    assert.equal(me.email, s.email);
    const stranger = new CloudBooks({ apiKey: "sk_live_" + "a".repeat(40), baseURL: s.base_url });
    await assert.rejects(stranger.users.me(), (error: unknown) => {
      assert.ok(error instanceof UnauthorizedError);
      assert.equal(error.status, 401);
      assert.equal(error.code, "unauthorized");
      return true;
    });
  });

  test("S2 — the API key defaults to CLOUDBOOKS_API_KEY", async () => {
    const s = await server();
    process.env.CLOUDBOOKS_API_KEY = s.api_key;
    try {
      const cb = new CloudBooks({ baseURL: s.base_url });
      assert.equal(cb.apiKey, s.api_key);
      assert.equal((await cb.users.me()).email, s.email);
    } finally {
      delete process.env.CLOUDBOOKS_API_KEY;
    }
  });

  test("S3 — auth.whoami( with the api_key describes the key, typed by credential.type, and the free budget", async () => {
    const s = await server();
    const who = await (await olive()).auth.whoami();
    assert.equal(who.user.email, s.email);
    assert.equal(who.credential.type, "api_key");
    if (who.credential.type !== "api_key") throw new Error("unreachable");
    // Narrowed: the key's own fields are typed.
    assert.equal(who.credential.scope, "read_write");
    assert.equal(typeof who.credential.name, "string");
    assert.ok(s.api_key.startsWith(who.credential.prefix));
    assert.equal(who.credential.expires_at, null);
    assert.ok(who.credential.id && who.credential.created_at);
    assert.ok("last_used_at" in who.credential);
    assert.equal(who.rate_limit.plan, "free");
    assert.equal(who.rate_limit.limit, 1000);
    assert.equal(typeof who.rate_limit.remaining, "number");
    assert.equal(typeof who.rate_limit.reset, "number");
  });

  test("S4 — auth.whoami( after a login: an access token, read_write, expiring in the future; Pablo is pro", async () => {
    const who = await (await oliveLogin()).auth.whoami();
    assert.equal(who.credential.type, "access_token");
    assert.equal(who.credential.scope, "read_write");
    assert.ok(who.credential.expires_at && Date.parse(who.credential.expires_at) > Date.now());
    const pro = await (await pablo()).auth.whoami();
    assert.equal(pro.rate_limit.plan, "pro");
    assert.equal(pro.rate_limit.limit, 10000);
  });

  test("S5 — the read_only key reads but cannot write, and nothing is created", async () => {
    const s = await server();
    const ro = new CloudBooks({ apiKey: s.read_only_key, baseURL: s.base_url });
    const who = await ro.auth.whoami();
    assert.equal(who.credential.scope, "read_only");
    const seen = await ro.organizations.list().toArray();
    assert.ok(Array.isArray(seen));
    const name = unique("Read-only Org");
    await assert.rejects(ro.organizations.create({ name }), ForbiddenError);
    const after = await (await olive()).organizations.list({ limit: 100 }).toArray();
    assert.equal(after.filter((o) => o.name === name).length, 0);
  });

  test("S6 — auth.refresh( gives the client a new access token that works", async () => {
    const cb = await oliveLogin();
    const before = cb.accessToken;
    const pair = await cb.auth.refresh();
    assert.equal(pair.token_type, "Bearer");
    assert.notEqual(cb.accessToken, before);
    assert.equal(cb.accessToken, pair.token);
    assert.equal((await cb.users.me()).email, (await server()).email);
  });

  test("S7 — an expired token is renewed transparently and the call retried once", async () => {
    const cb = await oliveLogin();
    const before = cb.accessToken;
    const me = await cb.users.me({ headers: fault("expire-token;times=1") });
    assert.equal(me.email, (await server()).email);
    assert.notEqual(cb.accessToken, before);
  });

  test("S8 — a 401 that renewal cannot cure: renewed once, retried once, then UnauthorizedError", async () => {
    const cb = await oliveLogin();
    const before = cb.accessToken;
    await assert.rejects(cb.users.me({ headers: { "CloudBooks-Test-Fault": "expire-token" } }), (error: unknown) => {
      assert.ok(error instanceof UnauthorizedError);
      assert.equal(error.status, 401);
      return true;
    });
    // Renewed exactly once: the new token works without the fault header.
    assert.notEqual(cb.accessToken, before);
    await cb.users.me();
  });

  test("S9 — auth.logout( ends the login: the old access and refresh tokens are refused", async () => {
    const s = await server();
    const cb = new CloudBooks({ apiKey: null, baseURL: s.base_url });
    const tokens = await cb.auth.login({ email: s.email, password: s.password });
    await cb.auth.logout();
    assert.equal(cb.isLoggedIn, false);
    const stale = new CloudBooks({ apiKey: tokens.token, baseURL: s.base_url });
    await assert.rejects(stale.users.me(), UnauthorizedError);
    await assert.rejects(
      cb.request("POST", "/auth/refresh", { body: { refresh: tokens.refresh } }),
      UnauthorizedError,
    );
  });

  test("S9 — an API-key client's logout is refused by the SDK", async () => {
    const cb = await olive();
    await assert.rejects(cb.auth.logout(), (error: unknown) => {
      assert.ok(error instanceof CloudBooksError);
      assert.equal(error.code, "no_login");
      return true;
    });
    assert.equal((await cb.users.me()).email, (await server()).email);
  });

  test("S10 — a request to another origin carries no Authorization (API key, then login)", async () => {
    const elsewhere = await recordingListener();
    try {
      for (const cb of [await olive(), await oliveLogin()]) {
        await cb.request("GET", `${elsewhere.origin}/v1/users/me`);
      }
      assert.equal(elsewhere.seen.length, 2);
      for (const { headers } of elsewhere.seen) assert.equal(headers.authorization, undefined);
    } finally {
      await elsewhere.close();
    }
  });

  test("S10 — a `next` link naming another host: the next page is asked of the base URL, never of that host", async () => {
    const foreign = await recordingListener();
    const api = await recordingListener((url) => ({
      status: 200,
      body: JSON.stringify(
        url.includes("cursor=")
          ? { next: null, previous: null, results: [{ id: "2" }] }
          : { next: `${foreign.origin}/v1/projects?cursor=abc&limit=1`, previous: null, results: [{ id: "1" }] },
      ),
    }));
    try {
      const cb = new CloudBooks({ apiKey: "sk_live_" + "b".repeat(40), baseURL: `${api.origin}/v1` });
      const ids = (await cb.projects.list({ limit: 1 }).toArray()).map((p) => p.id);
      assert.deepEqual(ids, ["1", "2"]);
      assert.equal(foreign.seen.length, 0);
      assert.deepEqual(
        api.seen.map((r) => r.url),
        ["/v1/projects?limit=1", "/v1/projects?cursor=abc&limit=1"],
      );
    } finally {
      await foreign.close();
      await api.close();
    }
  });

  test("S7 — concurrent calls that meet an expired token share ONE renewal", async () => {
    let refreshes = 0;
    const counting = (input: string, init: RequestInit): Promise<Response> => {
      if (new URL(input).pathname.endsWith("/auth/refresh")) refreshes += 1;
      return fetch(input, init);
    };
    const cb = await oliveLogin({ fetch: counting });
    const before = cb.accessToken;
    const answers = await Promise.all(
      [1, 2, 3].map(() => cb.users.me({ headers: fault("expire-token;times=1") })),
    );
    assert.deepEqual(new Set(answers.map((u) => u.email)), new Set([(await server()).email]));
    assert.equal(refreshes, 1);
    assert.notEqual(cb.accessToken, before);
  });

  test("S10 — a redirect to another origin is not followed with the credential", async () => {
    const target = await recordingListener();
    const redirector = await recordingListener(() => ({
      status: 302,
      headers: { Location: `${target.origin}/v1/users/me` },
    }));
    try {
      const cb = new CloudBooks({ apiKey: (await server()).api_key, baseURL: `${redirector.origin}/v1`, maxRetries: 0 });
      await assert.rejects(cb.users.me(), (error: unknown) => {
        assert.ok(error instanceof APIError);
        assert.equal(error.status, 302);
        return true;
      });
      assert.equal(redirector.seen.length, 1);
      assert.ok(redirector.seen[0]?.headers.authorization?.startsWith("Bearer "));
      assert.equal(target.seen.length, 0);
    } finally {
      await target.close();
      await redirector.close();
    }
  });
});
