/**
 * A published study kept in process memory (ADR 073): kept between requests, forgotten at once when
 * this process changes it, within REVISION_CHECK_MS when anything else does (here: statements sent
 * past the process's watch, as another process's would be), never kept while a draft, and shared
 * read-only. Embedded database, or PostgreSQL with DATABASE_URL.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { StudyChangesPlugin } from "../../db/study-changes";
import { REVISION_CHECK_MS } from "../../app/participants/study-cache.server";
import { findParticipantStudy } from "../../app/participants/study.server";
import { demoStudyForTests } from "./fixtures";

const fx = demoStudyForTests();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const contactOf = async () => (await findParticipantStudy(fx.database.db, { slug: "demo" }))!.settings.contact.en;

describe("a published study kept in memory", () => {
  it("is the same object from one look-up to the next, by slug or by id, and cannot be changed by a caller", async () => {
    const bySlug = await findParticipantStudy(fx.database.db, { slug: "demo" });
    const again = await findParticipantStudy(fx.database.db, { slug: "demo" });
    const byId = await findParticipantStudy(fx.database.db, { id: bySlug!.id });
    expect(again).toBe(bySlug);
    expect(byId).toBe(bySlug);
    expect(() => {
      (bySlug!.settings as { page_mode: string }).page_mode = "question";
    }).toThrow(TypeError);
    // Another organisation asking by id finds nothing, kept or not.
    expect(
      await findParticipantStudy(fx.database.db, { id: bySlug!.id, organisationId: "00000000-0000-4000-8000-000000000000" }),
    ).toBeUndefined();
  });

  it("is forgotten at once when this process changes it", async () => {
    await contactOf();
    await fx.database.db
      .updateTable("study")
      .set({ settings: sql`jsonb_set(settings, '{contact,en}', '"Changed here"')` })
      .where("slug", "=", "demo")
      .execute();
    expect(await contactOf()).toBe("Changed here");
    // Raw SQL and a transaction's statements count too.
    await fx.database.db.transaction().execute(async (trx) => {
      await sql`update study set settings = jsonb_set(settings, '{contact,en}', '"Changed in a transaction"') where slug = 'demo'`.execute(
        trx,
      );
    });
    expect(await contactOf()).toBe("Changed in a transaction");
  });

  it("is forgotten within the revision check when the change comes from elsewhere", async () => {
    await contactOf();
    // A statement this process's watch does not see, as one from another process would not be.
    await sql`update study set settings = jsonb_set(settings, '{contact,en}', '"Changed elsewhere"') where slug = 'demo'`.execute(
      fx.database.db.withoutPlugins(),
    );
    const changedAt = Date.now();
    let seen = await contactOf();
    // Kept until the next revision check: the point of keeping it.
    if (Date.now() - changedAt < REVISION_CHECK_MS / 2) expect(seen).not.toBe("Changed elsewhere");
    while (seen !== "Changed elsewhere" && Date.now() - changedAt < 3 * REVISION_CHECK_MS) {
      await sleep(25);
      seen = await contactOf();
    }
    expect(seen).toBe("Changed elsewhere");
    expect(Date.now() - changedAt).toBeLessThan(REVISION_CHECK_MS + 250);
  });

  it("a change to the instruments a study uses is forgotten too", async () => {
    const before = (await findParticipantStudy(fx.database.db, { slug: "demo" }))!;
    const use = before.uses.find((u) => u.role === "questionnaire" && u.timepoint === "post")!;
    await sql`delete from study_instrument where id = ${use.useId}`.execute(fx.database.db.withoutPlugins());
    await sleep(REVISION_CHECK_MS + 50);
    const after = (await findParticipantStudy(fx.database.db, { slug: "demo" }))!;
    expect(after.uses.some((u) => u.useId === use.useId)).toBe(false);
  });

  it("is not kept while it is a draft", async () => {
    const kept = (await findParticipantStudy(fx.database.db, { slug: "demo" }))!;
    await sql`update study set status = 'draft' where slug = 'demo'`.execute(fx.database.db);
    const draft = await findParticipantStudy(fx.database.db, { slug: "demo" });
    expect(draft!.status).toBe("draft");
    expect(await findParticipantStudy(fx.database.db, { slug: "demo" })).not.toBe(draft);
    await sql`update study set status = ${kept.status} where slug = 'demo'`.execute(fx.database.db);
  });
});

describe("the watch on study writes", () => {
  const seen = (query: { toOperationNode(): unknown }) => {
    const changes = { count: 0 };
    const plugin = new StudyChangesPlugin(changes);
    plugin.transformQuery({ node: query.toOperationNode() as never, queryId: { queryId: "q" } });
    return changes.count > 0;
  };

  it("sees writes to study and study_instrument, in builders, raw SQL and WITH", () => {
    const db = fx.database.db;
    expect(seen(db.updateTable("study").set({ status: "closed" }))).toBe(true);
    expect(seen(db.insertInto("study_instrument").values({ study_id: "x", instrument_version_id: "y", role: "questionnaire" }))).toBe(true);
    expect(seen(db.deleteFrom("study_instrument as si").where("si.id", "=", "x"))).toBe(true);
    expect(seen(sql`UPDATE "study" SET status = 'open'`)).toBe(true);
    expect(seen(sql`delete from study_instrument where id = 'x'`)).toBe(true);
    expect(
      seen(
        db
          .with("gone", (w) => w.deleteFrom("study").where("id", "=", "x").returning("id"))
          .selectFrom("gone")
          .selectAll(),
      ),
    ).toBe(true);
  });

  it("does not count reads, or writes to other tables (a participant's page is not a study change)", () => {
    const db = fx.database.db;
    expect(seen(db.selectFrom("study").selectAll())).toBe(false);
    expect(seen(db.updateTable("participant").set({ language: "cy" }).where("study_id", "in", db.selectFrom("study").select("id")))).toBe(
      false,
    );
    expect(seen(sql`insert into response (study_id) select id from study`)).toBe(false);
    expect(seen(sql`update study_revision set revision = revision + 1`)).toBe(false);
  });
});
