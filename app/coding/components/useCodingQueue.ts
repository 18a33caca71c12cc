import { useFetcher, useRouteLoaderData } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { WorkspaceLayoutData } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";

interface Job {
  fields: Record<string, string>;
  /** What to announce when the server has said yes. */
  done: string;
}

export interface Announcement {
  text: string;
  error: boolean;
  /** Counts announcements, so the same words said twice are still read out twice. */
  n: number;
}

/**
 * Posts the coding page's intents (apply, remove) to its own action through one fetcher, one at a
 * time and in order: a coder pressing 1, 2, 3 quickly gets three codings, none cancelled by the
 * next. The page stays where it is (no navigation, focus kept); Remix then reloads the page's data.
 * Each answer is announced: the server's refusal, in the coder's language, or the job's own words.
 */
export function useCodingQueue() {
  const t = useT();
  const fetcher = useFetcher<{ ok?: string; error?: string }>();
  const csrf = useRouteLoaderData<WorkspaceLayoutData>("routes/research")?.csrf ?? "";
  const queue = useRef<Job[]>([]);
  const current = useRef<{ job: Job; before: unknown } | null>(null);
  const [added, setAdded] = useState(0);
  const [announcement, setAnnouncement] = useState<Announcement>({ text: "", error: false, n: 0 });

  const announce = useCallback((text: string, error = false) => setAnnouncement((a) => ({ text, error, n: a.n + 1 })), []);

  useEffect(() => {
    if (fetcher.state !== "idle") return;
    // Done when the fetcher is idle with a new answer. (Its busy states may never be rendered: the
    // router's updates are transitions, which React may skip straight to the last.)
    if (current.current && fetcher.data !== current.current.before) {
      const { job } = current.current;
      current.current = null;
      const error = fetcher.data?.error;
      announce(error ? t(error) : job.done, Boolean(error));
    }
    if (current.current) return;
    const next = queue.current.shift();
    if (!next) return;
    current.current = { job: next, before: fetcher.data };
    fetcher.submit({ ...next.fields, csrf }, { method: "post" });
  }, [fetcher, fetcher.state, fetcher.data, added, csrf, t, announce]);

  const submit = useCallback((fields: Record<string, string>, done: string) => {
    queue.current.push({ fields, done });
    setAdded((n) => n + 1);
  }, []);

  return { submit, announce, announcement };
}
