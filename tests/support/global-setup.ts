import { execSync } from "node:child_process";
import { isBuildStale } from "../../scripts/build-state";

// HTTP and browser tests serve the built app. Build once for the whole run when the build is
// missing or older than the sources, so `npm test` needs no separate build step.
export default function setup() {
  if (isBuildStale()) execSync("npx remix build", { stdio: ["ignore", "ignore", "inherit"] });
}
