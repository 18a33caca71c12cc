import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadInstrumentsFromDir } from "../../app/instruments/load.server";
import {
  getInstrumentVersion,
  latestInstrumentVersion,
  publishInstruments,
  PublishedVersionChangedError,
} from "../../app/instruments/publish.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { instrumentFolder, surveyV1, surveyV1Cy } from "../support/instrument-fixtures";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});

function load(dir: string) {
  const { versions, problems } = loadInstrumentsFromDir(dir);
  expect(problems).toEqual([]);
  return versions;
}

describe("publishing instruments", () => {
  it("publishes new versions, leaves identical ones alone, and refuses a changed one", async () => {
    const folder = instrumentFolder();
    try {
      const { db } = database;
      folder.write("survey/1/instrument.yaml", surveyV1);
      folder.write("survey/1/cy.yaml", surveyV1Cy);
      const first = await publishInstruments(db, load(folder.dir));
      expect(first.published.map((v) => `${v.id}@${v.version}`)).toEqual(["survey@1"]);
      expect(first.unchanged).toEqual([]);
      const hash = first.published[0]!.contentHash;

      // Identical republish changes nothing.
      const again = await publishInstruments(db, load(folder.dir));
      expect(again).toEqual({ published: [], unchanged: [{ id: "survey", version: 1, contentHash: hash }] });
      expect(await db.selectFrom("instrument_version").select("id").execute()).toHaveLength(1);

      // An edited published version stops publishing, with the fix, and nothing is written, not even
      // the new version beside it.
      folder.write("survey/1/instrument.yaml", surveyV1.replace("Your views", "Your views!"));
      folder.write("other/1/instrument.yaml", surveyV1.replace("id: survey", "id: other"));
      const edited = load(folder.dir);
      const editedHash = edited.find((v) => v.id === "survey")!.contentHash;
      const error = await publishInstruments(db, edited).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PublishedVersionChangedError);
      const dir = folder.file("survey/1");
      expect((error as Error).message).toBe(
        `${dir} has changed since it was published (hash ${hash.slice(0, 12)}… ≠ ${editedHash.slice(0, 12)}…). ` +
          `Published versions are immutable: restore it, and put your edits in ${folder.file("survey/2")} (or a later free version number).`,
      );
      expect(await db.selectFrom("instrument_version").select("instrument_id").execute()).toEqual([{ instrument_id: "survey" }]);

      // The edit goes into version 2, published beside version 1, which stays readable.
      folder.write("survey/1/instrument.yaml", surveyV1);
      folder.write("survey/2/instrument.yaml", surveyV1.replace("version: 1", "version: 2").replace("Your views", "Your views, please"));
      folder.remove("other");
      const second = await publishInstruments(db, load(folder.dir));
      expect(second.published.map((v) => `${v.id}@${v.version}`)).toEqual(["survey@2"]);
      expect(second.unchanged.map((v) => `${v.id}@${v.version}`)).toEqual(["survey@1"]);

      const v1 = await getInstrumentVersion(db, "survey", 1);
      expect(v1).toMatchObject({ id: "survey", version: 1, kind: "question_set", contentHash: hash });
      expect(v1!.definition.title).toBe("Your views");
      expect(v1!.translations.cy!.messages.title).toBe("Eich barn");
      expect(v1!.rowId).toMatch(/^[0-9a-f-]{36}$/);
      const latest = await latestInstrumentVersion(db, "survey");
      expect(latest).toMatchObject({ version: 2 });
      expect(latest!.definition.title).toBe("Your views, please");
      expect(latest!.translations).toEqual({});
      expect(await getInstrumentVersion(db, "survey", 3)).toBeUndefined();
      expect(await latestInstrumentVersion(db, "nothing")).toBeUndefined();
    } finally {
      folder.cleanup();
    }
  });
});
