/**
 * The coding page hydrates with only the messages it renders (app/i18n/client-messages.server.ts, ADRs 073 and 075).
 * Every message key named in the code that renders it — the workspace frame, the page and its
 * components, its action's answers — must be among them, or the page would show the key instead
 * of words. A key added to the frame elsewhere fails here first.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clientMessagePrefixes, clientMessagesForPage } from "../../app/i18n/client-messages.server";
import { messagesFor } from "../../app/i18n/catalogues.server";

const RENDERED = [
  "app/root.tsx",
  "app/routes/research.tsx",
  "app/routes/research.$org.tsx",
  "app/routes/research.$org.studies.$study.tsx",
  "app/routes/research.$org.studies.$study.coding.tsx",
  "app/errors/ErrorPage.tsx",
  "app/workspace/components/ErrorSummary.tsx",
  "app/workspace/navigation.ts",
  "app/coding/coding-actions.server.ts",
  ...[
    "ApplyThemeForm",
    "CodedText",
    "CodingItem",
    "CodingTranscript",
    "QuickBar",
    "ShortcutHelp",
    "SpanPicker",
    "ThemePicker",
    "Turn",
    "TurnForm",
    "UnitTranslations",
    "useCodingQueue",
  ].map((name) => `app/coding/components/${name}.${name.startsWith("use") ? "ts" : "tsx"}`),
];

const PATH = "/research/org/studies/study/coding";

describe("the coding page's messages", () => {
  it("include every key its code names, literally or as the start of one", () => {
    const prefixes = clientMessagePrefixes(PATH)!;
    expect(prefixes).not.toBeNull();
    const named = RENDERED.flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/["'`]((?:common|workspace|coding|wellbeing|participant|reportback)\.[A-Za-z0-9_.]*)/g)].map(
        (m): { file: string; key: string } => ({ file, key: m[1]! }),
      ),
    );
    expect(named.length).toBeGreaterThan(50);
    expect(named.filter(({ key }) => !prefixes.some((p) => key.startsWith(p)))).toEqual([]);
  });

  it("are a small part of the catalogue, in every workspace language, and the whole catalogue elsewhere", () => {
    for (const language of ["en", "cy", "ar", "fa"] as const) {
      const all = messagesFor(language);
      const sent = clientMessagesForPage(new Request(`http://tandem.test${PATH}?lang=${language}`), ["coding"]);
      expect(Object.keys(sent).length).toBeLessThan(Object.keys(all).length / 3);
      expect(sent["coding.quick.applied"]).toBe(all["coding.quick.applied"]);
      expect(sent["workspace.nav.signOut"]).toBe(all["workspace.nav.signOut"]);
    }
    // Elsewhere a hydrated page gets its areas whole (ADR 073).
    expect(clientMessagesForPage(new Request("http://tandem.test/research/org/studies/study/themes/views?lang=en"), ["coding"])).toEqual(
      messagesFor("en", ["common", "workspace", "coding"]),
    );
    expect(clientMessagePrefixes("/research/org/studies/study/coding/agreement")).toBeNull();
  });
});
