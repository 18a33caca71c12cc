import { execSync } from "node:child_process";
import { defaultDataDir, openDatabase, EmbeddedDatabaseHeldError } from "../db/index";
import { loadSecrets } from "../app/security/secrets.server";
import { isBuildStale } from "./build-state";
import { bootstrap, demoWanted, StartupError } from "./bootstrap";
import { loadBuild, parseTrustProxy, startServer, TrustProxySettingError } from "./server";

// `npm start` (through scripts/launch.mjs): build if needed, migrate, publish instruments, seed the demo once, serve.
export async function main(): Promise<void> {
  try {
    await serve();
  } catch (error) {
    if (error instanceof StartupError || error instanceof EmbeddedDatabaseHeldError || error instanceof TrustProxySettingError) {
      console.error(error.message);
    } else {
      console.error(`Tandem could not start: ${(error as Error).message ?? error}`);
      if (process.env.DEBUG) console.error(error);
    }
    process.exit(1);
  }
}

async function serve() {
  // Read before anything else, so that a wrong setting stops the start with its own message.
  const trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
  const clock = startupClock();
  if (isBuildStale()) {
    console.log("Building the app (first start, or the source changed)…");
    execSync("npx remix build", { stdio: ["ignore", "ignore", "inherit"] });
    clock.lap("build");
  }
  // The app's modules load while the database opens: much of opening is compiling the embedded
  // database's WebAssembly off the main thread, time the import can use.
  const app = loadBuild();
  app.catch(() => {}); // awaited below; a failure to open the database comes first
  const handle = await openDatabase();
  clock.lap("open database");
  const result = await bootstrap(handle, {
    demo: demoWanted(process.env.DEMO),
    demoAdminPassword: process.env.DEMO_ADMIN_PASSWORD || undefined,
  });
  clock.add("migrations", result.timings.migrations);
  clock.add("instruments", result.timings.instruments);
  clock.add("demo", result.timings.demo);
  const secrets = loadSecrets({ dataDir: defaultDataDir(), usingPostgres: handle.kind === "postgres" });
  const port = Number(process.env.PORT ?? 3000);
  const build = await app;
  clock.lap("app");
  const running = await startServer({
    database: handle,
    secrets,
    build,
    port,
    host: process.env.HOST ?? "127.0.0.1",
    trustProxy,
    // After a storage failure of the embedded database the server has already logged why; the
    // non-zero code tells the supervisor (docs/ops/tandem.service) to start it again.
    exit: (code) => process.exit(code),
    dailyRetention: true,
  });

  clock.lap("listen");
  console.log(`Tandem is running at ${running.url} on the ${handle.describe}.`);
  console.log(clock.summary());
  if (result.published.length) console.log(`Published instruments: ${result.published.join(", ")}.`);
  if (result.demo) {
    console.log(`Demo study: ${running.url}/s/demo   Workspace: ${running.url}/research`);
    if (result.demo.created) {
      console.log(`Sign in as ${result.demo.adminEmail} with the password ${result.demo.adminPassword}`);
      if (result.demo.generatedPassword) console.log("(generated now and shown once; set DEMO_ADMIN_PASSWORD to choose it)");
    } else {
      console.log(`Sign in as ${result.demo.adminEmail} with the password shown at first start (or DEMO_ADMIN_PASSWORD then).`);
    }
  }

  if (!result.demo) {
    const organisations = await handle.db
      .selectFrom("organisation")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    if (Number(organisations.n) === 0) {
      console.log("No demo data, and no organisation yet. Create the first one and its admin (the second prints a one-time sign-in link):");
      console.log("  npm run cli -- org create --slug <slug> --name <name>");
      console.log("  npm run cli -- user create --org <slug> --email <e-mail> --role admin");
      console.log("With the embedded database, stop the server first (or use DATABASE_URL): only one process can hold it.");
    }
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then closing the database…`);
    running.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/**
 * Time since the process began, split into the steps of a start, printed once so that a slow step
 * shows itself (issue 15 item 8, docs/decisions/077-speed-start-cli-wellbeing.md). "loading
 * code" is everything before main() ran: Node itself and the modules imported.
 */
function startupClock() {
  const phases: [string, number][] = [["loading code", performance.now()]];
  let mark = performance.now();
  return {
    lap(label: string) {
      phases.push([label, performance.now() - mark]);
      mark = performance.now();
    },
    /** A step timed inside another (bootstrap's): its time is taken out of the next lap. */
    add(label: string, ms: number) {
      phases.push([label, ms]);
      mark += ms;
    },
    summary() {
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      return `Ready in ${seconds(performance.now())}: ${phases.map(([label, ms]) => `${label} ${seconds(ms)}`).join(", ")}.`;
    },
  };
}

// Run as a file of its own (`node --import tsx scripts/start.ts`, as older unit files do).
const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) void main();
