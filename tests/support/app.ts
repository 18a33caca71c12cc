import { secretsFrom } from "../../app/security/secrets.server";
import { bootstrap, type BootstrapResult } from "../../scripts/bootstrap";
import { startServer, type RunningServer } from "../../scripts/server";
import { createTestDatabase, type TestDatabase } from "./database";

export interface TestApp {
  url: string;
  database: TestDatabase;
  db: TestDatabase["db"];
  boot: BootstrapResult;
  /** Every request line the server logged. */
  logLines: string[];
  server: RunningServer;
  close(): Promise<void>;
}

export const TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
export const TEST_ADMIN_PASSWORD = "correct horse battery staple 42";

/**
 * The real app, built, on its own throwaway database, served on a free port in this process, so a
 * test can set up data through domain functions and then use it over HTTP or in Chromium.
 */
export async function startTestApp(
  options: { demo?: boolean; instrumentsDir?: string; mount?: Parameters<typeof startServer>[0]["mount"] } = {},
): Promise<TestApp> {
  const database = await createTestDatabase({ migrate: false });
  const boot = await bootstrap(database, {
    demo: options.demo ?? true,
    demoAdminPassword: TEST_ADMIN_PASSWORD,
    instrumentsDir: options.instrumentsDir,
  });
  const logLines: string[] = [];
  // The server closes the database it is given; keep the drop for after it has.
  const server = await startServer({
    database: { ...database, close: async () => {} },
    secrets: secretsFrom(TEST_SECRET),
    port: 0,
    log: (line) => logLines.push(line),
    mount: options.mount,
  });
  return {
    url: server.url,
    database,
    db: database.db,
    boot,
    logLines,
    server,
    close: async () => {
      await server.close();
      await database.destroy();
    },
  };
}
