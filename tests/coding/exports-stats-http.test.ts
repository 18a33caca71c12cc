/**
 * The statistics files on the Exports page (issue 16 items 6-8, ADR 072): one form with the label
 * language and four buttons; each file a CSRF-protected POST, streamed or served with its own type,
 * audited as the workspace user with the language; an unknown language refused with nothing
 * audited; a peer researcher refused. The .sav download opens in R's haven with Welsh labels.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, withdraw, type CodingFixture } from "./fixtures";

const hasHaven = (() => {
  try {
    execFileSync("Rscript", ["-e", "library(haven)"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

let app: TestApp;
let fx: CodingFixture;
let base: string;
let researcher: WorkspaceClient;
let peer: WorkspaceClient;
let researcherId: string;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  await app.db
    .updateTable("study")
    .set({ languages: ["en", "cy"] })
    .where("id", "=", fx.scope.studyId)
    .execute();
  await app.db
    .updateTable("instrument_version")
    .set({ translations: JSON.stringify({ cy: { messages: { "items.what_helped.text": "Beth helpodd chi fwyaf?" } } }) })
    .where("id", "=", fx.versionId)
    .execute();
  researcherId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@stats-http.test", role: "researcher" });
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "samir@stats-http.test", role: "peer_researcher" });
  researcher = new WorkspaceClient(app.url);
  peer = new WorkspaceClient(app.url);
  expect((await researcher.signIn("rhian@stats-http.test", TEST_PASSWORD)).status).toBe(302);
  expect((await peer.signIn("samir@stats-http.test", TEST_PASSWORD)).status).toBe(302);
  const p1 = await addParticipant(app.db, fx, { language: "cy" });
  await addAnswer(app.db, fx, p1, "Y grŵp a'r cyfieithydd", "what_helped", "cy");
  const gone = await addParticipant(app.db, fx);
  await addAnswer(app.db, fx, gone, "ERASED-WORDS");
  await withdraw(app.db, gone, "erase");
}, 180_000);
afterAll(() => app?.close());

async function lastExport() {
  const row = await app.db
    .selectFrom("audit_event")
    .select(["actor_user_id", "detail"])
    .where("action", "=", "export")
    .where("organisation_id", "=", fx.scope.organisationId)
    .orderBy("id", "desc")
    .executeTakeFirst();
  return row ? { actor: row.actor_user_id, ...(row.detail as { export: string; via: string; language?: string; rows: number }) } : null;
}

const FILES = [
  ["answers.sav", "application/x-spss-sav", "answers_sav"],
  ["answers.dta", "application/x-stata-dta", "answers_dta"],
  ["answers.R", "text/plain", "answers_r"],
  ["data-dictionary.xml", "application/xml", "data_dictionary_ddi"],
] as const;

describe("statistics files on the Exports page", () => {
  it("offers a label language (the study's) and the four files from one CSRF-protected form", async () => {
    const html = await (await researcher.get(`${base}/exports`)).text();
    expect(html).toContain(`action="${base}/exports/answers.sav"`);
    for (const [file] of FILES.slice(1)) expect(html.toLowerCase()).toContain(`formaction="${base}/exports/${file.toLowerCase()}"`);
    expect(html).toMatch(
      /<select id="label-language" name="language"[^>]*>.*<option value="en"[^>]*>en<\/option><option value="cy">cy<\/option>/s,
    );
  });

  it("downloads each file in Welsh, audited as the researcher with the language, without erased participants", async () => {
    const csrf = csrfFrom(await (await researcher.get(`${base}/exports`)).text());
    const dir = mkdtempSync(path.join(tmpdir(), "stats-http-"));
    for (const [file, type, name] of FILES) {
      const response = await researcher.post(`${base}/exports/${file}`, { language: "cy" }, { csrf });
      expect(response.status, file).toBe(200);
      expect(response.headers.get("content-type")).toContain(type);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const ext = file.slice(file.lastIndexOf("."));
      expect(response.headers.get("content-disposition")).toMatch(
        new RegExp(`^attachment; filename="${fx.studySlug}-${file.slice(0, file.lastIndexOf("."))}-cy-\\d{4}-\\d{2}-\\d{2}\\${ext}"$`),
      );
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.includes(Buffer.from("ERASED"))).toBe(false);
      if (file === "answers.sav") {
        expect(bytes.subarray(0, 4).toString("latin1")).toBe("$FL2");
        writeFileSync(path.join(dir, file), bytes);
      }
      if (file === "answers.dta") expect(bytes.subarray(0, 11).toString("latin1")).toBe("<stata_dta>");
      if (file === "answers.R") expect(bytes.toString("utf8")).toContain("Beth helpodd chi fwyaf?");
      if (file === "data-dictionary.xml") expect(bytes.toString("utf8")).toContain("<labl>Beth helpodd chi fwyaf?</labl>");
      expect(await lastExport(), file).toMatchObject({ actor: researcherId, export: name, via: "workspace", language: "cy" });
    }
    if (hasHaven) {
      const label = execFileSync(
        "Rscript",
        ["-e", `cat(attr(haven::read_sav(commandArgs(TRUE)[1])$what_helped, "label"))`, path.join(dir, "answers.sav")],
        { encoding: "utf8" },
      );
      expect(label).toBe("Beth helpodd chi fwyaf?");
    }
  });

  it("refuses a language the study does not have, and a peer researcher, with no file and no audit entry", async () => {
    const before = await lastExport();
    const csrf = csrfFrom(await (await researcher.get(`${base}/exports`)).text());
    const bad = await researcher.post(`${base}/exports/answers.sav`, { language: "fr" }, { csrf });
    expect(bad.status).toBe(400);
    const peerCsrf = await peer.csrf();
    for (const [file] of FILES)
      expect((await peer.post(`${base}/exports/${file}`, { language: "cy" }, { csrf: peerCsrf })).status, file).toBe(403);
    expect((await researcher.post(`${base}/exports/answers.dta`, { language: "cy" })).status).toBe(403);
    expect(await lastExport()).toEqual(before);
  });
});
