/**
 * Fault test (issue 11, item 3): PostgreSQL restarts while participants submit answers.
 *
 * The test starts a PostgreSQL of its own (initdb and pg_ctl, in a temporary folder, on a free
 * loopback port) and the real server in a process of its own against it. Simulated participants
 * consent and answer over HTTP throughout; PostgreSQL is restarted twice (fast) and stopped for a
 * moment once. Afterwards: the server process is the same one and still answering, every answer
 * whose POST was acknowledged (a redirect onwards) is in the database, nothing answered 500, and the
 * outage was answered with 503. Bounded: about a minute, loopback only.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRET } from "../support/app";
import { consentForm, hiddenValue, ParticipantClient } from "../support/participant-http";

function postgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions
    .map((v) => path.join(root, v, "bin"))
    .find((bin) => existsSync(path.join(bin, "pg_ctl")) && existsSync(path.join(bin, "initdb")));
}

const bin = postgresBin();
if (!bin)
  console.warn("server-database-restart: skipped, no PostgreSQL binaries under /usr/lib/postgresql/*/bin (install postgresql to run it)");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let dataDir: string;
let port: number;
let server: ChildProcess | undefined;
let serverUrl: string;
let serverOutput = "";

// PostgreSQL refuses to run as root; run its tools as the postgres user on a folder it owns.
function asPostgres(tool: string, args: string[]) {
  const command = process.getuid?.() === 0 ? "runuser" : path.join(bin!, tool);
  const fullArgs = process.getuid?.() === 0 ? ["-u", "postgres", "--", path.join(bin!, tool), ...args] : args;
  return execFileSync(command, fullArgs, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 }).toString();
}

const pgCtl = (...args: string[]) => asPostgres("pg_ctl", ["-D", dataDir, "-w", "-t", "30", ...args]);

// While participants keep submitting: the test's own event loop must not stop for it.
async function pgCtlAsync(...args: string[]) {
  const tool = path.join(bin!, "pg_ctl");
  const all = ["-D", dataDir, "-w", "-t", "30", "-l", path.join(dir, "postgres.log"), ...args];
  if (process.getuid?.() === 0) await promisify(execFile)("runuser", ["-u", "postgres", "--", tool, ...all], { timeout: 60_000 });
  else await promisify(execFile)(tool, all, { timeout: 60_000 });
}

describe.skipIf(!bin)("a PostgreSQL restart while participants submit", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "tandem-pg-restart-"));
    dataDir = path.join(dir, "data");
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
      const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
      chownSync(dir, uid, gid);
    }
    asPostgres("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
    port = await freePort();
    // In its configuration, so that every start and restart below uses them.
    appendFileSync(
      path.join(dataDir, "postgresql.conf"),
      `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\n`,
    );
    pgCtl("-l", path.join(dir, "postgres.log"), "start");
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query("create database tandem");
    await admin.end();

    server = spawn(process.execPath, ["--import", "tsx", "tests/support/server-process.ts"], {
      env: { ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/tandem`, TANDEM_SECRET: TEST_SECRET, NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    serverUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${serverOutput}`)), 110_000);
      server!.stdout!.on("data", (chunk: Buffer) => {
        serverOutput += chunk.toString();
        const match = /listening (http:\/\/\S+)/.exec(serverOutput);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      server!.stderr!.on("data", (chunk: Buffer) => (serverOutput += chunk.toString()));
      server!.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${serverOutput}`)));
    });
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((resolve) => server!.once("exit", resolve));
    }
    if (dataDir && existsSync(path.join(dataDir, "postmaster.pid"))) {
      try {
        pgCtl("-m", "immediate", "stop");
      } catch {
        // already stopped
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the server up, loses no acknowledged answer, answers 503 meanwhile and resumes by itself", { timeout: 240_000 }, async () => {
    // The page that asks "how_supported": the demo shows one question per page or one section per page.
    const first = new ParticipantClient(serverUrl);
    await first.get("/s/demo?lang=en");
    await first.post("/s/demo/consent", consentForm(hiddenValue((await first.get("/s/demo/consent")).html, "_token")));
    let PAGE = "";
    for (const page of ["how_supported", "personal_experience"].map((p) => `/s/demo/q/focus-group-questions/once/${p}`)) {
      if (!PAGE && (await first.get(page)).html.includes('name="how_supported"')) PAGE = page;
    }
    expect(PAGE).not.toBe("");
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const note = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    let stop = false;

    async function participant(worker: number) {
      for (let round = 0; !stop; round++) {
        try {
          const client = new ParticipantClient(serverUrl);
          const start = await client.get("/s/demo?lang=en");
          note(start.status);
          const consent = start.status === 200 ? await client.get("/s/demo/consent") : start;
          if (consent !== start) note(consent.status);
          // A round that met the outage before its language was kept starts again.
          if (consent.status !== 200 || !consent.html.includes('name="_token"')) {
            await sleep(150);
            continue;
          }
          const done = await client.post("/s/demo/consent", consentForm(hiddenValue(consent.html, "_token")));
          note(done.status);
          if (new URL(done.url).pathname !== "/s/demo/code") {
            await sleep(150);
            continue;
          }
          const text = `answer from participant ${worker}, round ${round}`;
          const saved = await client.post(PAGE, { how_supported: text, _intent: "save" });
          note(saved.status);
          // Acknowledged: the server moved the person on, which it does only once the answer is kept.
          if (new URL(saved.url).pathname !== PAGE) acknowledged.push(text);
          else await sleep(150);
        } catch (error) {
          failures.push(String(error));
          await sleep(150);
        }
      }
    }

    const waitForMore = async (count: number) => {
      const target = acknowledged.length + count;
      const deadline = Date.now() + 60_000;
      while (acknowledged.length < target) {
        if (server!.exitCode !== null || server!.signalCode !== null)
          throw new Error(`the server process ended (${server!.exitCode ?? server!.signalCode}):\n${serverOutput}`);
        if (Date.now() > deadline)
          throw new Error(
            `service did not resume: ${acknowledged.length} acknowledged, statuses ${JSON.stringify([...statuses])}\n${serverOutput}`,
          );
        await sleep(100);
      }
    };

    const workers = [0, 1, 2, 3].map(participant);
    try {
      await waitForMore(6);
      await pgCtlAsync("-m", "fast", "restart");
      await waitForMore(6);
      await pgCtlAsync("-m", "fast", "restart");
      await waitForMore(6);

      // A longer outage: pages answer 503 (not 500, not a dropped connection), /healthz says so.
      // Asked by a participant: their session is read on every request (never kept, ADR 073),
      // whereas a stranger's first page may come from the study kept in memory and rightly answer 200.
      await pgCtlAsync("-m", "fast", "stop");
      const during = await first.get(PAGE);
      expect(during.status).toBe(503);
      expect(during.response.headers.get("retry-after")).toBeTruthy();
      expect((await fetch(`${serverUrl}/healthz`)).status).toBe(503);
      await sleep(1_000);
      await pgCtlAsync("start");
      await waitForMore(6);
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    expect(server!.exitCode, serverOutput).toBeNull();
    expect((await fetch(`${serverUrl}/healthz`)).status).toBe(200);
    expect(failures, "no request lost its connection").toEqual([]);
    expect(statuses.get(500) ?? 0, `statuses ${JSON.stringify([...statuses])}\n${serverOutput}`).toBe(0);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(serverOutput).toMatch(/database: connection lost/);

    const check = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/tandem` });
    await check.connect();
    try {
      const { rows } = await check.query<{ value: unknown }>("select value from answer where item_id = 'how_supported'");
      const stored = new Set(rows.map((row) => (typeof row.value === "string" ? row.value : JSON.stringify(row.value))));
      const missing = acknowledged.filter((text) => ![...stored].some((value) => value.includes(text)));
      expect(missing).toEqual([]);
      expect(acknowledged.length).toBeGreaterThanOrEqual(24);
    } finally {
      await check.end();
    }
  });
});
