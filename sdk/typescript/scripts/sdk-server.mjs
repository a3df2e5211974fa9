// Starts `python3 dev.py sdk-server` (the repository root is two levels up) and resolves to
// { info, stop } once it prints its JSON line. stop() sends SIGTERM and resolves to the exit code.
import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function startServer({ timeoutMs = 180_000 } = {}) {
  return new Promise((resolveStart, rejectStart) => {
    const child = spawn("python3", ["dev.py", "sdk-server"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", process.env.SDK_SERVER_LOG ? "inherit" : "ignore"],
    });
    const exited = new Promise((resolveExit) => child.on("exit", (code, signal) => resolveExit(code ?? signal)));
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      rejectStart(new Error("sdk-server did not print its JSON line in time"));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      clearTimeout(timer);
      const info = JSON.parse(line);
      resolveStart({
        info,
        line,
        stop: async () => {
          child.kill("SIGTERM");
          return exited;
        },
      });
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      rejectStart(error);
    });
    exited.then((code) => {
      clearTimeout(timer);
      rejectStart(new Error(`sdk-server exited (${code}) before it was ready`));
    });
  });
}
