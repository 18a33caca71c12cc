import type { DatabaseHandle } from "../db/index";
import { migrateToLatest } from "../db/migrate";
import { seedDemo, type DemoSeedResult } from "../app/demo/seed.server";
import { formatProblem, instrumentsDir, loadInstrumentsFromDir } from "../app/instruments/load.server";
import { publishedAsTheyAre, publishInstruments } from "../app/instruments/publish.server";

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

export interface BootstrapResult {
  migrations: string[];
  published: string[];
  demo: DemoSeedResult | null;
  /** How long each step took, in milliseconds: `npm start` prints them once (ADR 077). */
  timings: { migrations: number; instruments: number; demo: number };
}

/**
 * Everything `npm start` does to a database before serving: migrate, check and publish the
 * instruments, and seed the demo on first start. Each step is idempotent, so a second start changes nothing.
 */
export async function bootstrap(
  handle: DatabaseHandle,
  options: { instrumentsDir?: string; demo?: boolean; demoAdminPassword?: string } = {},
): Promise<BootstrapResult> {
  let started = performance.now();
  const lap = () => {
    const took = performance.now() - started;
    started = performance.now();
    return took;
  };
  const migrations = await migrateToLatest(handle.db);
  const migrationsTook = lap();
  const dir = options.instrumentsDir ?? instrumentsDir();
  const published = (await publishedAsTheyAre(handle.db, dir)) ? [] : await checkAndPublish(handle, dir);
  const instrumentsTook = lap();
  const demo = options.demo === false ? null : await seedDemo(handle.db, { adminPassword: options.demoAdminPassword });
  return {
    migrations,
    published,
    demo,
    timings: { migrations: migrationsTook, instruments: instrumentsTook, demo: lap() },
  };
}

/** Every version checked (a problem stops the start, listed by file and line), then the new ones published. */
async function checkAndPublish(handle: DatabaseHandle, dir: string): Promise<string[]> {
  const { versions, problems } = loadInstrumentsFromDir(dir);
  if (problems.length > 0) {
    throw new StartupError(
      `The instruments in ${dir} have ${problems.length} problem(s); nothing was started:\n` +
        problems.map(formatProblem).join("\n") +
        `\nRun "npm run cli -- instruments check" after fixing them.`,
    );
  }
  const publication = await publishInstruments(handle.db, versions);
  return publication.published.map((v) => `${v.id}@${v.version}`);
}

/** `DEMO=0`, `false`, `no` or `off` start without demo data; anything else (or nothing) seeds it. */
export function demoWanted(value: string | undefined): boolean {
  return !["0", "false", "no", "off"].includes((value ?? "").trim().toLowerCase());
}
