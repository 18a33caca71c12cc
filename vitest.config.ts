import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "~": path.resolve("app"), "#db": path.resolve("db") } },
  test: {
    include: ["tests/**/*.test.ts", "app/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: end-to-end files start a server and a browser each; keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
    globalSetup: ["tests/support/global-setup.ts"],
  },
});
