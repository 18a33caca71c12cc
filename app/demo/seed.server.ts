import { randomBytes } from "node:crypto";
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { hashPassword } from "../auth/password.server";
import type { StudyInstrumentRole } from "../../db/tables/foundation";
import type { StudySettings } from "../studies/settings";
import { WITHDRAWAL_MODES } from "../../db/tables/participants";

export const DEMO_ORGANISATION_SLUG = "demo";
export const DEMO_STUDY_SLUG = "demo";
export const DEMO_ADMIN_EMAIL = "admin@demo.tandem.test";
const DEMO_LANGUAGES = ["en", "cy", "ar", "fa"];

export type DemoSeedResult =
  { created: true; adminEmail: string; adminPassword: string; generatedPassword: boolean } | { created: false; adminEmail: string };

/**
 * The demo organisation and study, made on first start only: a second start finds the organisation
 * and changes nothing. Runs in one transaction, so a failed seed leaves no half-made study.
 */
export async function seedDemo(db: DB, options: { adminPassword?: string } = {}): Promise<DemoSeedResult> {
  const existing = await db.selectFrom("organisation").select("id").where("slug", "=", DEMO_ORGANISATION_SLUG).executeTakeFirst();
  if (existing) return { created: false, adminEmail: DEMO_ADMIN_EMAIL };

  const generatedPassword = !options.adminPassword;
  const adminPassword = options.adminPassword ?? generateReadablePassword();
  const passwordHash = await hashPassword(adminPassword);

  await db.transaction().execute(async (trx) => {
    const organisation = await trx
      .insertInto("organisation")
      .values({ slug: DEMO_ORGANISATION_SLUG, name: "Demo Sanctuary Council" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const admin = await trx
      .insertInto("app_user")
      .values({ email: DEMO_ADMIN_EMAIL, display_name: "Demo admin", password_hash: passwordHash, disabled_at: null, totp_secret: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("membership").values({ user_id: admin.id, organisation_id: organisation.id, role: "admin" }).execute();

    const settings: StudySettings = {
      contact: {
        en: "Demo research team, research@demo.tandem.test, Demo Sanctuary Council",
        cy: "Tîm ymchwil enghreifftiol, research@demo.tandem.test, Cyngor Noddfa Enghreifftiol",
        ar: "فريق البحث التجريبي، research@demo.tandem.test، مجلس الملاذ التجريبي",
        fa: "تیم پژوهشی نمونه، research@demo.tandem.test، شورای پناه نمونه",
      },
      support: [
        {
          name: { en: "Samaritans", cy: "Samariaid", ar: "السامريون (Samaritans)", fa: "سامری‌ها (Samaritans)" },
          description: {
            en: "Someone to talk to, day or night, about anything that is troubling you.",
            cy: "Rhywun i siarad ag ef, ddydd neu nos, am unrhyw beth sy'n eich poeni.",
            ar: "شخص تتحدث معه ليلًا أو نهارًا عن أي شيء يقلقك.",
            fa: "کسی برای صحبت، شب یا روز، درباره هر چیزی که نگرانتان می‌کند.",
          },
          contact: {
            en: "Call 116 123 (free)",
            cy: "Ffoniwch 116 123 (am ddim)",
            ar: "اتصل على 116 123 (مجاني)",
            fa: "با ۱۱۶ ۱۲۳ تماس بگیرید (رایگان)",
          },
        },
        {
          name: {
            en: "C.A.L.L. Mental Health Helpline for Wales",
            cy: "Llinell Gymorth Iechyd Meddwl C.A.L.L.",
            ar: "خط C.A.L.L. للمساعدة في الصحة النفسية في ويلز",
            fa: "خط کمک سلامت روان C.A.L.L. در ولز",
          },
          description: {
            en: "Emotional support and information, in Wales.",
            cy: "Cymorth emosiynol a gwybodaeth, yng Nghymru.",
            ar: "دعم نفسي ومعلومات في ويلز.",
            fa: "حمایت عاطفی و اطلاعات، در ولز.",
          },
          contact: {
            en: "Call 0800 132 737 (free)",
            cy: "Ffoniwch 0800 132 737 (am ddim)",
            ar: "اتصل على 0800 132 737 (مجاني)",
            fa: "با ۰۸۰۰ ۱۳۲ ۷۳۷ تماس بگیرید (رایگان)",
          },
        },
      ],
      withdrawal: { modes: [...WITHDRAWAL_MODES], deadline: null },
      retention_until: null,
      retention_months_after_close: null,
      date_precision: "date",
      page_mode: "section",
      // The focus-group questions are open and few: one per page reads best on a small phone.
      page_modes: { "focus-group-questions": "question" },
      open_timepoints: ["once", "pre"],
    };

    const study = await trx
      .insertInto("study")
      .values({
        organisation_id: organisation.id,
        slug: DEMO_STUDY_SLUG,
        titles: JSON.stringify({
          en: "Relational values in services for sanctuary seekers",
          cy: "Gwerthoedd perthynol mewn gwasanaethau i geiswyr noddfa",
          ar: "القيم العلائقية في الخدمات المقدمة لطالبي الملاذ",
          fa: "ارزش‌های رابطه‌ای در خدمات برای پناه‌جویان",
        }),
        languages: DEMO_LANGUAGES,
        status: "open",
        settings: JSON.stringify(settings),
      })
      .returning("id")
      .executeTakeFirstOrThrow();

    const uses: Array<[string, StudyInstrumentRole, string]> = [
      ["information-sheet", "information_sheet", "once"],
      ["consent-form", "consent_form", "once"],
      ["focus-group-questions", "questionnaire", "once"],
      ["peer-support-wellbeing", "questionnaire", "pre"],
      ["peer-support-wellbeing", "questionnaire", "post"],
      ["interview-guide", "topic_guide", "once"],
    ];
    let position = 0;
    for (const [instrumentId, role, timepoint] of uses) {
      const version = await trx
        .selectFrom("instrument_version")
        .select("id")
        .where("instrument_id", "=", instrumentId)
        .orderBy("version", "desc")
        .executeTakeFirst();
      if (!version) throw new Error(`The demo study needs the instrument "${instrumentId}", which is not published.`);
      await trx
        .insertInto("study_instrument")
        .values({ study_id: study.id, instrument_version_id: version.id, role, timepoint, position: position++ })
        .execute();
    }
    await trx.insertInto("cohort").values({ study_id: study.id, name: "Cardiff peer group", starts_on: null, ends_on: null }).execute();
    await recordAudit(trx, { actorUserId: null, organisationId: organisation.id, action: "demo_seeded", subject: DEMO_STUDY_SLUG });
  });
  return { created: true, adminEmail: DEMO_ADMIN_EMAIL, adminPassword, generatedPassword };
}

/** Four groups of letters and digits: easy to copy from a terminal, 80 bits. */
function generateReadablePassword() {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join("")).join("-");
}
