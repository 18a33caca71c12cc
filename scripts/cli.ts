import { openDatabase, EmbeddedDatabaseHeldError, type DatabaseHandle } from "../db/index";
import { migrateToLatest } from "../db/migrate";
import { allCommands } from "./commands/index";
import { CliError, type Command, type CommandContext } from "./commands/types";

/**
 * `npm run cli -- <command> [options]`. Every command prints one clear line and exits non-zero on
 * failure; `cli help` lists them and `<command> --help` explains one.
 */
export async function runCli(argv: string[], io: Pick<CommandContext, "out" | "err"> = defaultIo): Promise<number> {
  let handle: DatabaseHandle | undefined;
  const ctx: CommandContext = {
    ...io,
    env: process.env,
    openDb: async () => {
      if (!handle) {
        handle = await openDatabase();
        await migrateToLatest(handle.db);
      }
      return handle;
    },
  };
  try {
    if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help") {
      printHelp(io.out, argv.slice(1));
      return 0;
    }
    const command = findCommand(argv);
    if (!command) {
      io.err(
        `Unknown command "${argv
          .filter((a) => !a.startsWith("-"))
          .slice(0, 2)
          .join(" ")}". Run "npm run cli -- help" for the list.`,
      );
      return 1;
    }
    const rest = argv.slice(command.name.split(" ").length);
    if (rest.includes("--help") || rest.includes("-h")) {
      // Some commands write their usage with the "Usage:" word and some without; print it the same for all.
      const usage = command.usage.startsWith("Usage:") ? command.usage : `Usage: ${command.usage}`;
      io.out(`${command.name}: ${command.summary}\n\n${usage}`);
      return 0;
    }
    return await command.run(rest, ctx);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`Error: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof EmbeddedDatabaseHeldError) {
      io.err(`Error: ${error.message}`);
      return 1;
    }
    io.err(`Error: ${(error as Error).message ?? String(error)}`);
    return 1;
  } finally {
    await handle?.close();
  }
}

function findCommand(argv: string[]): Command | undefined {
  const byLength = [...allCommands].sort((a, b) => b.name.split(" ").length - a.name.split(" ").length);
  return byLength.find((command) => {
    const words = command.name.split(" ");
    return words.every((word, i) => argv[i] === word);
  });
}

function printHelp(out: (line: string) => void, topic: string[]) {
  const matching = allCommands.filter((c) => topic.length === 0 || c.name.startsWith(topic.join(" ")));
  out("Tandem command line. Usage: npm run cli -- <command> [options]\n");
  const width = Math.max(...matching.map((c) => c.name.length));
  for (const command of matching) out(`  ${command.name.padEnd(width)}  ${command.summary}`);
  out('\nEach command explains itself with --help, e.g. "npm run cli -- instruments check --help".');
}

const defaultIo = {
  out: (line: string) => process.stdout.write(line + "\n"),
  err: (line: string) => process.stderr.write(line + "\n"),
};

/** The process's entry (scripts/launch.mjs, compiled or not): runs the command and exits with its code. */
export async function main(args: string[]): Promise<never> {
  process.exit(await runCli(args));
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) void main(process.argv.slice(2));
