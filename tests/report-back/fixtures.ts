// Data for "you said, we did" tests, set up through the coding engineer's domain functions: a study
// with two themes, people who raised them (answers coded), and an entry in English and Arabic that
// quotes one person. Not a test file itself.
import type { DB } from "../../db/index";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme } from "../../app/coding/codings.server";
import { codePointLength } from "../../app/coding/spans";
import {
  addEntryQuote,
  addMilestone,
  createEntry,
  markTextReviewed,
  publishEntry,
  reviewEntry,
  saveEntryText,
  setEntryThemes,
  submitForReview,
  unpublishEntry,
} from "../../app/report-back/entries.server";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "../coding/fixtures";

export const QUOTED = "The staff listened to me and I felt seen";
export const OTHER_QUOTE = "Waiting three months for a reply was too long";

export interface ReportBackFixture extends CodingFixture {
  themes: { heard: string; waiting: string };
  /** The participant whose words are quoted under "heard". */
  quotedParticipant: string;
  quotedCoding: string;
  otherCoding: string;
  users: CodingFixture["users"] & { admin: string; publisher: string };
}

async function member(db: DB, fx: CodingFixture, name: string, role: "admin" | "publisher") {
  const u = await db
    .insertInto("app_user")
    .values({ email: `${name}-${fx.orgSlug}@example.org`, display_name: name, password_hash: null, totp_secret: null, disabled_at: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("membership").values({ user_id: u.id, organisation_id: fx.scope.organisationId, role }).execute();
  return u.id;
}

/** `heardPeople` people raise "being heard" (the first is quoted), three raise "waiting times". */
export async function createReportBackFixture(db: DB, options: { heardPeople?: number } = {}): Promise<ReportBackFixture> {
  const fx = await createCodingFixture(db);
  const heard = (await createTheme(db, fx.scope, fx.users.researcher, { name: "Being heard" })).id;
  const waiting = (await createTheme(db, fx.scope, fx.users.researcher, { name: "Waiting times" })).id;
  const code = async (participant: string, text: string, themeId: string) => {
    const unit = await addAnswer(db, fx, participant, text);
    return applyTheme(db, fx.scope, fx.users.researcher, { unit, themeId, start: 0, end: codePointLength(text) });
  };
  let quotedParticipant = "";
  let quotedCoding = "";
  for (let i = 0; i < (options.heardPeople ?? 6); i++) {
    const p = await addParticipant(db, fx, { quotes: true });
    const coding = await code(p, i === 0 ? QUOTED : `Someone listened ${i}`, heard);
    if (i === 0) [quotedParticipant, quotedCoding] = [p, coding];
  }
  let otherCoding = "";
  for (let i = 0; i < 3; i++) {
    const p = await addParticipant(db, fx, { quotes: true });
    const coding = await code(p, i === 0 ? OTHER_QUOTE : `It took long ${i}`, waiting);
    if (i === 0) otherCoding = coding;
  }
  return {
    ...fx,
    themes: { heard, waiting },
    quotedParticipant,
    quotedCoding,
    otherCoding,
    users: { ...fx.users, admin: await member(db, fx, "admin", "admin"), publisher: await member(db, fx, "publisher", "publisher") },
  };
}

/** Welsh and Persian words for the entry, for tests that read the public pages in every shipped language. */
const MORE_TEXTS = {
  cy: {
    title: "Gwrando'n well yn y sesiwn galw heibio",
    asked: "Gofynnon ni sut deimlad oedd y sesiynau galw heibio a beth fyddai'n eu gwneud yn well.",
    did: "Rydyn ni'n hyfforddi pob gwirfoddolwr i wrando mewn ffordd sy'n ystyriol o drawma, dan arweiniad pobl â phrofiad bywyd.",
    decidedBy: "Bwrdd yr ymddiriedolwyr",
  },
  fa: {
    title: "بهتر شنیدن در جلسات پذیرش",
    asked: "از شما پرسیدیم جلسات پذیرش چه حسی داشت و چه چیزی آن‌ها را بهتر می‌کند.",
    did: "همه داوطلبان را در گوش دادن آگاه از آسیب آموزش می‌دهیم، به رهبری کسانی که تجربه زیسته دارند.",
    decidedBy: "هیئت امنا",
  },
} as const;

/**
 * An entry drafted by the publisher, reviewed by a researcher and published by the admin; in English
 * and Arabic, and with `allLanguages` in Welsh and Persian too.
 */
export async function publishedEntry(db: DB, fx: ReportBackFixture, slug = "listening-better", options: { allLanguages?: boolean } = {}) {
  const org = fx.scope.organisationId;
  const author = { userId: fx.users.publisher };
  const id = await createEntry(db, org, author, {
    studyId: fx.scope.studyId,
    slug,
    askedOn: "2026-03-01",
    askedUntil: "2026-03-31",
    methods: ["survey", "focus_group"],
    actionStatus: "in_progress",
    progress: 40,
    nextReviewOn: "2026-09-01",
  });
  await saveEntryText(db, org, author, id, "en", {
    title: "Listening better at the drop-in",
    asked: "We asked how our drop-in sessions felt and what would make them better.",
    did: "We are training every volunteer in trauma-informed listening, led by people with lived experience.",
    decidedBy: "The board of trustees",
  });
  await saveEntryText(db, org, author, id, "ar", {
    title: "الاستماع بشكل أفضل في جلسات الاستقبال",
    asked: "سألناكم عن شعوركم في جلسات الاستقبال وما الذي يجعلها أفضل.",
    did: "ندرّب كل متطوع على الاستماع المراعي للصدمات، بقيادة أشخاص لديهم تجربة معاشة.",
    decidedBy: "مجلس الأمناء",
  });
  if (options.allLanguages)
    for (const [language, text] of Object.entries(MORE_TEXTS)) await saveEntryText(db, org, author, id, language, text);
  const more = (cy: string, fa: string): Record<string, string> => (options.allLanguages ? { cy, fa } : {});
  await setEntryThemes(db, org, author, id, [
    { themeId: fx.themes.heard, labels: { en: "Being listened to", ar: "أن يُستمع إلينا", ...more("Cael ein clywed", "شنیده شدن") } },
    { themeId: fx.themes.waiting, labels: { en: "Waiting too long", ar: "الانتظار طويلاً", ...more("Aros yn rhy hir", "انتظار طولانی") } },
  ]);
  await addEntryQuote(db, org, author, id, fx.quotedCoding);
  await addEntryQuote(db, org, author, id, fx.otherCoding);
  await addMilestone(db, org, author, id, {
    dueOn: "2026-05-01",
    labels: { en: "First training day", ar: "أول يوم تدريب", ...more("Y diwrnod hyfforddi cyntaf", "نخستین روز آموزش") },
  });
  for (const language of ["en", "ar", ...(options.allLanguages ? Object.keys(MORE_TEXTS) : [])])
    await markTextReviewed(db, org, { userId: fx.users.researcher }, id, language);
  await submitForReview(db, org, author, id);
  await reviewEntry(db, org, { userId: fx.users.second }, id, "approve");
  await publishEntry(db, org, { userId: fx.users.admin }, id);
  return id;
}

/** An entry published, then unpublished, rewritten in English, reviewed and published again. */
export async function republishWith(db: DB, fx: ReportBackFixture, slug: string, text: { title: string; asked: string; did: string }) {
  const org = fx.scope.organisationId;
  const id = await publishedEntry(db, fx, slug);
  await unpublishEntry(db, org, { userId: fx.users.admin }, id);
  await saveEntryText(db, org, { userId: fx.users.publisher }, id, "en", text);
  await markTextReviewed(db, org, { userId: fx.users.researcher }, id, "en");
  await submitForReview(db, org, { userId: fx.users.publisher }, id);
  await reviewEntry(db, org, { userId: fx.users.second }, id, "approve");
  await publishEntry(db, org, { userId: fx.users.admin }, id);
  return id;
}
