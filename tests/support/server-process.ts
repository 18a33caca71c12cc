/**
 * The real server in a process of its own (tests/server/database-restart.test.ts): what npm start
 * does, without the build step (the tests' global setup has built the app). Prints one line,
 * `listening <url>`, when it serves. A test can then watch this process, not its own, survive.
 */
import { openDatabase } from "../../db/index";
import { secretsFrom } from "../../app/security/secrets.server";
import { bootstrap } from "../../scripts/bootstrap";
import { startServer } from "../../scripts/server";

const handle = await openDatabase({ url: process.env.DATABASE_URL });
await bootstrap(handle, { demo: true, demoAdminPassword: "correct horse battery staple 42" });
const running = await startServer({ database: handle, secrets: secretsFrom(process.env.TANDEM_SECRET!), port: 0, log: () => {} });
console.log(`listening ${running.url}`);
process.on("SIGTERM", () => void running.close().finally(() => process.exit(0)));
