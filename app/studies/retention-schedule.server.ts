/**
 * The server's daily retention run (issue 17 part 4). Runs a minute after start (so start-up stays
 * quick) and then every day; each run is the same idempotent runRetention the command line uses, so
 * a cron job running `cli retention run` as well erases nothing twice.
 */
import type { DB } from "../../db/index";
import { runRetention } from "./retention.server";

const DAY_MS = 24 * 60 * 60 * 1000;

export function scheduleDailyRetention(db: DB, log: (line: string) => void, options: { firstRunMs?: number } = {}): () => void {
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    try {
      const erased = await runRetention(db);
      for (const r of erased)
        log(
          `retention: erased the participant data of study ${r.slug} (due ${r.dueOn}): ${r.participants} participant(s), ${r.answers} answer(s), ${r.segments} turn(s)`,
        );
    } catch (error) {
      // The next day's run (or `cli retention run`) tries again; the server keeps serving.
      log(`retention: the daily run failed (${(error as Error).message}); it is tried again tomorrow`);
    }
  };
  const first = setTimeout(() => void run(), options.firstRunMs ?? 60_000);
  const daily = setInterval(() => void run(), DAY_MS);
  first.unref();
  daily.unref();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(daily);
  };
}
