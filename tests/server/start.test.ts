import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bootstrap, demoWanted, StartupError } from "../../scripts/bootstrap";
import { createTestDatabase, type TestDatabase } from "../support/database";

let database: TestDatabase;
let instruments: string;

beforeEach(async () => {
  database = await createTestDatabase({ migrate: false });
  instruments = mkdtempSync(path.join(tmpdir(), "tandem-instruments-"));
  cpSync("instruments", instruments, { recursive: true });
});
afterEach(async () => {
  await database.destroy();
  rmSync(instruments, { recursive: true, force: true });
});

async function counts() {
  const count = async (
    table: "organisation" | "app_user" | "study" | "study_instrument" | "instrument_version" | "cohort" | "membership",
  ) =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    organisations: await count("organisation"),
    users: await count("app_user"),
    memberships: await count("membership"),
    studies: await count("study"),
    studyInstruments: await count("study_instrument"),
    instrumentVersions: await count("instrument_version"),
    cohorts: await count("cohort"),
  };
}

describe("npm start's preparation of the database", () => {
  it("seeds the demo study on first start only: a second start adds nothing", async () => {
    const first = await bootstrap(database, { instrumentsDir: instruments, demoAdminPassword: "a long demo password 1" });
    expect(first.demo).toMatchObject({ created: true, adminEmail: "admin@demo.tandem.test" });
    const afterFirst = await counts();
    expect(afterFirst.organisations).toBe(1);
    expect(afterFirst.studies).toBe(1);

    const second = await bootstrap(database, { instrumentsDir: instruments });
    expect(second.demo).toMatchObject({ created: false });
    expect(second.published).toEqual([]);
    expect(second.migrations).toEqual([]);
    expect(await counts()).toEqual(afterFirst);
  });

  it("gives the demo study the seed study's instruments, with the wellbeing questionnaire at pre and post in every shipped language", async () => {
    await bootstrap(database, { instrumentsDir: instruments });
    const study = await database.db.selectFrom("study").selectAll().where("slug", "=", "demo").executeTakeFirstOrThrow();
    expect(study.languages).toEqual(["en", "cy", "ar", "fa"]);
    const uses = await database.db
      .selectFrom("study_instrument")
      .innerJoin("instrument_version", "instrument_version.id", "study_instrument.instrument_version_id")
      .select(["instrument_version.instrument_id", "study_instrument.timepoint", "study_instrument.role"])
      .where("study_id", "=", study.id)
      .execute();
    expect(uses).toEqual(
      expect.arrayContaining([
        { instrument_id: "consent-form", timepoint: "once", role: "consent_form" },
        { instrument_id: "information-sheet", timepoint: "once", role: "information_sheet" },
        { instrument_id: "peer-support-wellbeing", timepoint: "pre", role: "questionnaire" },
        { instrument_id: "peer-support-wellbeing", timepoint: "post", role: "questionnaire" },
      ]),
    );
  });

  it("starts without demo data when asked (DEMO=0)", async () => {
    const result = await bootstrap(database, { instrumentsDir: instruments, demo: false });
    expect(result.demo).toBeNull();
    expect((await counts()).organisations).toBe(0);
    expect((await counts()).instrumentVersions).toBeGreaterThan(0);
  });

  it("reads DEMO as people write it: 0, false, no and off turn the demo off", () => {
    for (const off of ["0", "false", "FALSE", "no", " off "]) expect(demoWanted(off)).toBe(false);
    for (const on of [undefined, "", "1", "true", "yes"]) expect(demoWanted(on)).toBe(true);
  });

  it("refuses to start when a published version's content changed, names the file and the fix, and publishes a new version beside the old", async () => {
    await bootstrap(database, { instrumentsDir: instruments, demo: false });
    const file = path.join(instruments, "consent-form", "1", "instrument.yaml");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("participation is voluntary", "participation is entirely voluntary"));

    const failure = await bootstrap(database, { instrumentsDir: instruments, demo: false }).catch((e) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toMatch(/consent-form/);
    expect(failure.message).toMatch(/new version|consent-form\/2/);
    const before = await database.db
      .selectFrom("instrument_version")
      .select(["instrument_id", "version", "content_hash"])
      .where("instrument_id", "=", "consent-form")
      .execute();
    // Nothing was published: the versions are the repository's, unchanged.
    expect(before.map((v) => v.version).sort()).toEqual(readdirSync(path.join(instruments, "consent-form")).map(Number).sort());

    // The fix the message names: restore version 1 and put the edit into the next version.
    writeFileSync(file, original);
    const next = Math.max(...before.map((v) => v.version)) + 1;
    cpSync(path.join(instruments, "consent-form", "1"), path.join(instruments, "consent-form", String(next)), { recursive: true });
    const copy = path.join(instruments, "consent-form", String(next), "instrument.yaml");
    writeFileSync(
      copy,
      readFileSync(copy, "utf8")
        .replace(/^version: 1$/m, `version: ${next}`)
        .replace("participation is voluntary", "participation is entirely voluntary"),
    );
    const result = await bootstrap(database, { instrumentsDir: instruments, demo: false });
    expect(result.published).toEqual([`consent-form@${next}`]);
    const versions = await database.db
      .selectFrom("instrument_version")
      .select(["version", "content_hash"])
      .where("instrument_id", "=", "consent-form")
      .orderBy("version")
      .execute();
    expect(versions.map((v) => v.version)).toEqual([...before.map((v) => v.version).sort(), next]);
    expect(versions[0]!.content_hash).toBe(before.find((v) => v.version === 1)!.content_hash);
  });

  it("refuses to start on a broken instrument, listing each problem with its path and line", async () => {
    const file = path.join(instruments, "consent-form", "1", "instrument.yaml");
    writeFileSync(file, readFileSync(file, "utf8") + "\nsurprise_key: true\n");
    const failure = await bootstrap(database, { instrumentsDir: instruments, demo: false }).catch((e) => e);
    expect(failure).toBeInstanceOf(StartupError);
    expect(failure.message).toMatch(/consent-form\/1\/instrument\.yaml:\d+: .*surprise_key/);
  });
});
