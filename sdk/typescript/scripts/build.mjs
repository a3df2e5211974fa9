#!/usr/bin/env node
// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from the same sources, each with its
// .d.ts files. One source, two builds: the error classes' brand (Symbol.for) keeps
// `instanceof` working when both are loaded in one process.
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync(join(root, "dist"), { recursive: true, force: true });
for (const project of ["tsconfig.json", "tsconfig.cjs.json"]) {
  execFileSync(process.execPath, [tsc, "-p", join(root, project)], { stdio: "inherit", cwd: root });
}
writeFileSync(join(root, "dist", "esm", "package.json"), '{ "type": "module" }\n');
writeFileSync(join(root, "dist", "cjs", "package.json"), '{ "type": "commonjs" }\n');
console.log("build: dist/esm and dist/cjs");
