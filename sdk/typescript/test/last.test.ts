// S34: run last (scripts/run-tests.mjs runs this file after the others): it deletes Pablo.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CloudBooks, UnauthorizedError } from "@cloudbooks/sdk";
import { pablo, server } from "./helpers.js";

test("S34 — Pablo's users.delete( succeeds; his login and tokens are refused from then on", async () => {
  const s = await server();
  const cb = await pablo();
  const token = cb.accessToken;
  // He leaves no organization without an owner: delete those he owns alone first.
  for await (const org of cb.organizations.list({ limit: 100 })) {
    if (org.role === "owner") await cb.organizations.delete(org.id);
  }
  await cb.users.delete();
  await assert.rejects(cb.users.me(), UnauthorizedError);
  await assert.rejects(new CloudBooks({ apiKey: token, baseURL: s.base_url }).users.me(), UnauthorizedError);
  await assert.rejects(
    CloudBooks.login({ email: s.pro_email, password: s.pro_password, baseURL: s.base_url }),
    UnauthorizedError,
  );
});
