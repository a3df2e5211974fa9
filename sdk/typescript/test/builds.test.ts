// The ESM and CommonJS builds loaded in one process: `instanceof` works across them, since
// both come from one source and the error classes check a Symbol.for brand.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import * as esm from "@cloudbooks/sdk";
import { server } from "./helpers.js";

const cjs = createRequire(import.meta.url)("@cloudbooks/sdk") as typeof esm;

describe("ESM and CommonJS builds", () => {
  test("require( gives the CommonJS build, import the ESM build: two copies of every class", () => {
    assert.notEqual(cjs.CloudBooks, esm.CloudBooks);
    assert.notEqual(cjs.NotFoundError, esm.NotFoundError);
    assert.equal(cjs.VERSION, esm.VERSION);
  });

  test("an error thrown by the CommonJS client is instanceof the ESM classes, and back", async () => {
    const s = await server();
    const viaCjs = new cjs.CloudBooks({ apiKey: s.api_key, baseURL: s.base_url });
    const viaEsm = new esm.CloudBooks({ apiKey: s.api_key, baseURL: s.base_url });
    for (const [client, other] of [
      [viaCjs, esm],
      [viaEsm, cjs],
    ] as const) {
      const error = await client.projects.get(randomUUID()).then(
        () => assert.fail("expected a 404"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof other.NotFoundError);
      assert.ok(error instanceof other.APIError);
      assert.ok(error instanceof other.CloudBooksError);
      assert.ok(!(error instanceof other.ForbiddenError));
      assert.ok(!(error instanceof other.RateLimitError));
      assert.ok(!(error instanceof other.APIConnectionError));
    }
  });

  test("a caller's own subclass keeps the ordinary instanceof", () => {
    class MyError extends esm.NotFoundError {}
    const mine = new MyError("mine", { status: 404 });
    assert.ok(mine instanceof MyError);
    assert.ok(mine instanceof cjs.NotFoundError);
    assert.ok(!(new esm.NotFoundError("theirs") instanceof MyError));
  });
});
