import type { DatabaseHandle } from "../../db/index";

/** What a CLI command may touch. `openDb` opens (and migrates) the configured database on demand. */
export interface CommandContext {
  out: (line: string) => void;
  err: (line: string) => void;
  openDb: () => Promise<DatabaseHandle>;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  /** Words that select the command, e.g. "instruments check". */
  name: string;
  summary: string;
  /** Usage and options, shown by `--help`. */
  usage: string;
  /** Returns the process exit code. Throw CliError for a one-line user-facing failure. */
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/** A failure the user can act on: printed as one line, exit code 1 (or the one given). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Parses `--flag value` and `--switch` options; everything else is positional. */
export function parseOptions(args: string[], spec: { values?: string[]; switches?: string[] }) {
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.switches?.includes(flag)) {
      switches.add(flag);
    } else if (spec.values?.includes(flag)) {
      const value = inline ?? args[++i];
      if (value === undefined || value.startsWith("--")) throw new CliError(`--${flag} needs a value.`);
      values[flag] = value;
    } else {
      throw new CliError(`Unknown option --${flag}. See --help.`);
    }
  }
  return { values, switches, positional };
}

export function requireOption(values: Record<string, string>, flag: string): string {
  const value = values[flag];
  if (!value) throw new CliError(`--${flag} is required. See --help.`);
  return value;
}
