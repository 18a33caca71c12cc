import type { DatabaseHandle } from "../db/index";
import { migrateToLatest } from "../db/migrate";
import { seedDemo, type DemoSeedResult } from "../app/demo/seed.server";
import { formatProblem, instrumentsDir, loadInstrumentsFromDir } from "../app/instruments/load.server";
import { publishInstruments } from "../app/instruments/publish.server";

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
}

/**
 * Everything `npm start` does to a database before serving: migrate, check and publish the
 * instruments, and seed the demo on first start. Each step is idempotent, so a second start changes nothing.
 */
export async function bootstrap(
  handle: DatabaseHandle,
  options: { instrumentsDir?: string; demo?: boolean; demoAdminPassword?: string } = {},
): Promise<BootstrapResult> {
  const migrations = await migrateToLatest(handle.db);
  const dir = options.instrumentsDir ?? instrumentsDir();
  const { versions, problems } = await loadInstrumentsFromDir(dir);
  if (problems.length > 0) {
    throw new StartupError(
      `The instruments in ${dir} have ${problems.length} problem(s); nothing was started:\n` +
        problems.map(formatProblem).join("\n") +
        `\nRun "npm run cli -- instruments check" after fixing them.`,
    );
  }
  const publication = await publishInstruments(handle.db, versions);
  const demo = options.demo === false ? null : await seedDemo(handle.db, { adminPassword: options.demoAdminPassword });
  return { migrations, published: publication.published.map((v) => `${v.id}@${v.version}`), demo };
}

/** `DEMO=0`, `false`, `no` or `off` start without demo data; anything else (or nothing) seeds it. */
export function demoWanted(value: string | undefined): boolean {
  return !["0", "false", "no", "off"].includes((value ?? "").trim().toLowerCase());
}
