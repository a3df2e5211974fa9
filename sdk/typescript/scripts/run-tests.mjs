#!/usr/bin/env node
// Runs the compiled test suite (build/test) against ONE `python3 dev.py sdk-server`: every
// file but last.test.js, one file at a time (the rate-limit steps count requests), then
// last.test.js (S34 deletes an account). Uses $CLOUDBOOKS_SDK_SERVER (the server's JSON
// line) when set instead of starting a server.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./sdk-server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const testDir = join(root, "build", "test");
const files = readdirSync(testDir).filter((f) => f.endsWith(".test.js")).sort();
const first = files.filter((f) => f !== "last.test.js").map((f) => join(testDir, f));
const last = files.filter((f) => f === "last.test.js").map((f) => join(testDir, f));

let server = null;
let line = process.env.CLOUDBOOKS_SDK_SERVER;
if (!line) {
  server = await startServer();
  line = server.line;
}
const env = { ...process.env, CLOUDBOOKS_SDK_SERVER: line };
let status = 0;
for (const batch of [first, last]) {
  if (batch.length === 0) continue;
  const run = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...batch], { stdio: "inherit", env, cwd: root });
  if (run.status !== 0) status = run.status ?? 1;
}
if (server) {
  const code = await server.stop();
  if (code !== 0) {
    console.error(`sdk-server exited with ${code} on SIGTERM (expected 0)`);
    status ||= 1;
  }
}
process.exit(status);
