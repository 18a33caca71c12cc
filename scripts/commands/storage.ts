import path from "node:path";
import { defaultDataDir } from "../../db/index";
import { BackupError, backupEmbedded, restoreEmbedded } from "../../db/embedded-backup";
import { CliError, parseOptions, requireOption, type Command, type CommandContext } from "./types";

function dataDir(ctx: CommandContext) {
  return path.resolve(ctx.env.DATA_DIR ?? defaultDataDir());
}

async function asCliError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message);
    throw error;
  }
}

export const backup: Command = {
  name: "backup",
  summary: "Back up the embedded database to one file (PostgreSQL: use pg_dump)",
  usage: [
    "Usage: npm run cli -- backup --out <file>",
    "",
    "Writes the whole embedded database in DATA_DIR to <file> (a gzipped tar, readable by you only).",
    "Stop the server first: it holds the database while it runs. The file holds everything participants",
    "gave: store it encrypted, keep it only as long as your retention period says (ADR 060, 061).",
    "secret.key is not in it: keep a copy of DATA_DIR/secret.key (or TANDEM_SECRET) apart from the",
    "backups; without it, participant codes and staff second factors do not work after a restore.",
  ].join("\n"),
  async run(args, ctx) {
    const { values } = parseOptions(args, { values: ["out"] });
    const out = requireOption(values, "out");
    const { bytes } = await asCliError(() => backupEmbedded(dataDir(ctx), out));
    ctx.out(
      `Backed up the embedded database to ${out} (${(bytes / 1024 / 1024).toFixed(1)} MB, readable by you only). Keep secret.key apart from it.`,
    );
    return 0;
  },
};

export const restore: Command = {
  name: "restore",
  summary: "Restore the embedded database from a backup file (PostgreSQL: use pg_restore)",
  usage: [
    "Usage: npm run cli -- restore --file <file> [--force]",
    "",
    "Puts the database from <file> (made by `cli backup`) into DATA_DIR. Stop the server first.",
    "If DATA_DIR already holds a database, nothing is changed unless you add --force; then the current",
    "database is moved aside to DATA_DIR/pgdata.before-restore-<time>: check the restored one, then delete it.",
    "A backup older than an erasure brings the erased person back: see ADR 060 before restoring one.",
  ].join("\n"),
  async run(args, ctx) {
    const { values, switches } = parseOptions(args, { values: ["file"], switches: ["force"] });
    const file = requireOption(values, "file");
    const folder = dataDir(ctx);
    const { replacedKeptIn } = await asCliError(() => restoreEmbedded(folder, file, { force: switches.has("force") }));
    ctx.out(`Restored the embedded database in ${folder} from ${file}.`);
    if (replacedKeptIn) ctx.out(`The database it replaced is in ${replacedKeptIn}: delete it once you have checked the restored one.`);
    return 0;
  },
};

export const storageCommands: Command[] = [backup, restore];
