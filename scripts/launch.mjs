/**
 * `npm start` and `npm run cli --` run through this file, plain JavaScript so that Node runs it as it
 * is: it runs the compiled script (build/scripts/<name>.mjs) when that is newer than every file it
 * was compiled from, compiles it first when it is not (esbuild, about a second), and runs the
 * TypeScript source through tsx when it cannot compile (esbuild not installed, or build/ not
 * writable, as under the systemd unit). Compiling once instead of at every call is what makes a
 * command answer in well under two seconds (docs/decisions/077-speed-start-cli-wellbeing.md).
 *
 *   node scripts/launch.mjs cli help        what `npm run cli -- help` runs
 *   node scripts/launch.mjs start           what `npm start` runs
 *   node scripts/launch.mjs --compile       compile both now (part of `npm run build`)
 *
 * It prints nothing of its own: a command's output stays exactly the command's (scripts read it).
 */
import { mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "build", "scripts");

/**
 * What each name runs. The command line carries its dependencies inside the compiled file (one file
 * to read instead of hundreds: half its start-up time); the server leaves them in node_modules, where
 * the app's own build (build/index.js) imports the same copies of React, Kysely and the rest.
 */
export const SCRIPTS = {
  cli: { source: "scripts/cli.ts", bundlePackages: true },
  start: { source: "scripts/start.ts", bundlePackages: false },
};

// Native and WebAssembly packages read files beside their own code: they stay in node_modules.
const ALWAYS_EXTERNAL = ["argon2", "@electric-sql/pglite", "pg-native"];

const compiledPath = (name) => path.join(outDir, `${name}.mjs`);
const inputsPath = (name) => path.join(outDir, `${name}.inputs.json`);

/** True when the compiled file exists and no file it was compiled from has changed or gone since. */
export function isCompiledFresh(name) {
  let compiledAt;
  let inputs;
  try {
    compiledAt = statSync(compiledPath(name)).mtimeMs;
    inputs = JSON.parse(readFileSync(inputsPath(name), "utf8"));
  } catch {
    return false;
  }
  for (const input of inputs) {
    try {
      if (statSync(path.join(root, input)).mtimeMs > compiledAt) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Compiles one script into build/scripts/<name>.mjs and lists the files it read beside it. Written
 * under temporary names and renamed, so a process reading at the same moment sees the old file or the
 * new one, never half of one. The compiled file is dated from when reading began: a source saved
 * during the compile is newer, and the next run compiles again.
 */
export async function compile(name) {
  const { build } = await import("esbuild");
  const script = SCRIPTS[name];
  const began = new Date();
  mkdirSync(outDir, { recursive: true });
  const temporary = `${compiledPath(name)}.${process.pid}.tmp`;
  const result = await build({
    absWorkingDir: root,
    entryPoints: [script.source],
    outfile: temporary,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    metafile: true,
    logLevel: "error",
    ...(script.bundlePackages ? { external: ALWAYS_EXTERNAL } : { packages: "external" }),
    // Bundled CommonJS packages (pg, papaparse) call require(); an ES module has none of its own.
    banner: { js: 'import { createRequire as __tandemRequire } from "node:module"; const require = __tandemRequire(import.meta.url);' },
  });
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith("<"));
  // A dependency installed or upgraded changes this file, even where no bundled file did.
  inputs.push("package-lock.json");
  writeFileSync(`${inputsPath(name)}.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(`${inputsPath(name)}.${process.pid}.tmp`, inputsPath(name));
  utimesSync(temporary, began, began);
  renameSync(temporary, compiledPath(name));
}

/** The script's module: compiled when possible, else its TypeScript source through tsx. */
async function load(name) {
  if (!isCompiledFresh(name)) {
    try {
      await compile(name);
    } catch {
      // No esbuild (installed without dev dependencies) or a read-only build/: run the source.
      await import("tsx");
      return import(pathToFileURL(path.join(root, SCRIPTS[name].source)).href);
    }
  }
  return import(pathToFileURL(compiledPath(name)).href);
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const [name, ...args] = process.argv.slice(2);
  if (name === "--compile") {
    for (const script of Object.keys(SCRIPTS)) await compile(script);
  } else if (name in SCRIPTS) {
    const module = await load(name);
    await module.main(args);
  } else {
    process.stderr.write(`Usage: node scripts/launch.mjs <${Object.keys(SCRIPTS).join("|")}> [arguments], or --compile\n`);
    process.exit(1);
  }
}
