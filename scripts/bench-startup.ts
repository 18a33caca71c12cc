/**
 * `npm run bench:startup`: how long `npm start` takes to answer GET /healthz with 200 on an embedded
 * database that already exists (target: under 5 s on an idle machine, issue 15 item 8), and after
 * the server was killed with kill -9 (the database then recovers from its write-ahead log).
 *
 *   npm run bench:startup                 (3 starts of each kind)
 *   npm run bench:startup -- --runs 5
 *
 * Each start is `npm start` as a person types it, in a process group of its own, on a throwaway
 * DATA_DIR with the demo study, timed from the spawn to the first 200 from /healthz. The first start
 * (which creates the database, and compiles or builds what is stale) is printed but not counted.
 * Each start's own line, "Ready in …", splits the time into its phases.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const TARGET_MS = 5_000;

function runsWanted(): number {
  const i = process.argv.indexOf("--runs");
  const runs = i >= 0 ? Number(process.argv[i + 1]) : 3;
  if (!Number.isInteger(runs) || runs < 1) {
    console.error("--runs must be a whole number of at least 1.");
    process.exit(2);
  }
  return runs;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Started {
  child: ChildProcess;
  ms: number;
  ready: string;
}

/** `npm start` in its own process group, timed from spawn to the first 200 from /healthz. */
async function start(dataDir: string, port: number): Promise<Started> {
  let output = "";
  const began = performance.now();
  const child = spawn("npm", ["start"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...stripDatabaseUrl(process.env), DATA_DIR: dataDir, PORT: String(port), DEMO_ADMIN_PASSWORD: "bench-only password 0123456789" },
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.on("exit", () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`npm start ended before it answered /healthz:\n${output}`);
    if (performance.now() - began > 300_000) throw new Error(`no answer from /healthz within 5 minutes:\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  const ms = performance.now() - began;
  // The "Ready in" line is printed just after listening; give it a moment to arrive.
  for (let i = 0; i < 50 && !/Ready in [^\n]*\n/.test(output); i++) await sleep(20);
  return { child, ms, ready: /Ready in [^\n]*/.exec(output)?.[0] ?? "(no Ready line)" };
}

function stripDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, ...rest } = env;
  return rest;
}

/** Signals the whole group (npm, its shell, the server) and waits until none of it is left. */
async function stop(child: ChildProcess, signal: "SIGTERM" | "SIGKILL") {
  const group = -child.pid!;
  try {
    process.kill(group, signal);
  } catch {
    return;
  }
  for (let i = 0; i < 1500; i++) {
    try {
      process.kill(group, 0);
    } catch {
      return;
    }
    await sleep(20);
  }
  throw new Error(`the server's process group ${child.pid} did not end`);
}

function summary(label: string, times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `${label}: median ${seconds(median)}, best ${seconds(sorted[0]!)}, worst ${seconds(sorted.at(-1)!)} ` +
      `${median < TARGET_MS ? "(under 5 s: target met)" : "(OVER the 5 s target)"}`,
  );
}

async function main() {
  const runs = runsWanted();
  const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-bench-startup-"));
  const port = await freePort();
  try {
    const first = await start(dataDir, port);
    console.log(`First start (creates the database and the demo; builds and compiles what is stale): ${(first.ms / 1000).toFixed(2)} s`);
    console.log(`  ${first.ready}`);
    await stop(first.child, "SIGTERM");

    const restarts: number[] = [];
    for (let i = 0; i < runs; i++) {
      const again = await start(dataDir, port);
      restarts.push(again.ms);
      console.log(`Start on the existing database ${i + 1}: ${(again.ms / 1000).toFixed(2)} s to /healthz   ${again.ready}`);
      await stop(again.child, "SIGTERM");
    }

    const afterKill: number[] = [];
    for (let i = 0; i < runs; i++) {
      const running = await start(dataDir, port);
      // Some writes since the last checkpoint, as a server that has been working has: each
      // /healthz is a one-row write in a transaction.
      for (let w = 0; w < 50; w++) await fetch(`http://127.0.0.1:${port}/healthz`);
      await stop(running.child, "SIGKILL");
      const again = await start(dataDir, port);
      afterKill.push(again.ms);
      console.log(`Start after kill -9 ${i + 1}: ${(again.ms / 1000).toFixed(2)} s to /healthz   ${again.ready}`);
      await stop(again.child, "SIGTERM");
    }

    summary(`npm start on an existing embedded database (${runs} runs)`, restarts);
    summary(`npm start after kill -9 (${runs} runs)`, afterKill);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
