/**
 * A questionnaire page as plain data for rendering: the texts in the person's language, each
 * question with its choices and saved answer, and where "previous" goes.
 */
import type { Translate } from "../i18n/intl";
import { formatNumberFor } from "../i18n/numbering";
import { isShown, messageKeys, type AnswerValue } from "../instruments/messages";
import { isAnswerItem, type Item } from "../instruments/schema";
import { nearestShownPage, pageHref, type JourneyPage } from "./journey.server";
import { itemBlock, sectionBlocks, textOf, type TextBlock } from "./render.server";
import { neutralTitle } from "./page.server";
import type { ParticipantStudy, StudyUse } from "./study.server";

type Text = { text: string; lang?: string };

export interface QuestionView {
  kind: "question";
  id: string;
  type: "yes_no" | "single_choice" | "multiple_choice" | "rating" | "scale_0_10" | "number" | "short_text" | "long_text";
  text: Text;
  hint?: Text;
  options: { value: string; label: Text }[];
  /** Scale end labels for 0-10 scales. */
  ends?: { min: Text | undefined; max: Text | undefined };
  maxLength?: number;
  saved: AnswerValue | undefined;
}

export type PageItemView = QuestionView | { kind: "block"; id: string; block: TextBlock };

function questionView(
  use: StudyUse,
  language: string,
  t: Translate,
  item: Extract<Item, { type: QuestionView["type"] }>,
  saved: AnswerValue | undefined,
): QuestionView {
  const v = use.version;
  const text = textOf(v, language, messageKeys.itemText(item.id));
  const hint = item.hint ? textOf(v, language, messageKeys.itemHint(item.id)) : undefined;
  const base = { kind: "question" as const, id: item.id, type: item.type, text, hint, saved, options: [] as QuestionView["options"] };
  switch (item.type) {
    case "yes_no":
      return {
        ...base,
        options: [
          { value: "yes", label: { text: t("participant.q.yes") } },
          { value: "no", label: { text: t("participant.q.no") } },
        ],
      };
    case "single_choice":
    case "multiple_choice":
      return {
        ...base,
        options: item.options.map((o) => ({ value: o.value, label: textOf(v, language, messageKeys.optionLabel(item.id, o.value)) })),
      };
    case "rating":
    case "scale_0_10": {
      const options = [];
      for (let p = item.scale.min; p <= item.scale.max; p++) {
        const label = item.scale.labels[String(p)] !== undefined ? textOf(v, language, messageKeys.scaleLabel(item.id, p)) : undefined;
        // The value posted stays Latin digits; only what the person reads follows the language.
        options.push({ value: String(p), label: item.type === "rating" && label ? label : { text: formatNumberFor(language, p) } });
      }
      const end = (p: number) =>
        item.scale.labels[String(p)] !== undefined ? textOf(v, language, messageKeys.scaleLabel(item.id, p)) : undefined;
      return { ...base, options, ends: item.type === "scale_0_10" ? { min: end(item.scale.min), max: end(item.scale.max) } : undefined };
    }
    case "short_text":
    case "long_text":
      return { ...base, maxLength: item.max_length };
    default:
      return base;
  }
}

export function questionPageView(input: {
  study: ParticipantStudy;
  language: string;
  t: Translate;
  use: StudyUse;
  pages: JourneyPage[];
  index: number;
  answers: Record<string, AnswerValue>;
  contact: { text: string; lang?: string };
  /** Where the page stands across the study's open sets (studyProgress); else within its own set. */
  progress?: { page: number; total: number };
}) {
  const { study, language, t, use, pages, index, answers } = input;
  const page = pages[index]!;
  const v = use.version;
  const instrumentTitle = textOf(v, language, messageKeys.title);
  const heading = page.section.title ? textOf(v, language, messageKeys.sectionTitle(page.section.id)) : instrumentTitle;
  const intro: TextBlock[] =
    page.firstOfSection && page.section.intro ? sectionBlocks(v, language, { ...page.section, title: undefined }) : [];
  const items: PageItemView[] = [];
  for (const item of page.items) {
    // Conditions always name an answer on an earlier page (questionnairePages splits pages so).
    if (!isShown(item, answers)) continue;
    if (isAnswerItem(item)) items.push(questionView(use, language, t, item, answers[item.id]));
    else {
      const block = itemBlock(v, language, item, input.contact);
      if (block) items.push({ kind: "block", id: item.id, block });
    }
  }
  const before = nearestShownPage(pages, index, answers, -1);
  const previous =
    before !== undefined ? pageHref(study.slug, { instrumentId: v.id, timepoint: use.timepoint, pageId: pages[before]!.id }) : null;
  const questions = items.filter((i): i is QuestionView => i.kind === "question");
  // A measure's licence asks for its attribution wherever its items are shown (WHO-5, ONS, …).
  const shownIds = new Set(questions.map((q) => q.id));
  const attributions = new Map<string, { text: string; lang?: string }>();
  for (const measure of v.definition.measures ?? []) {
    if (!measure.attribution || !measure.items.some((id) => shownIds.has(id))) continue;
    const text = textOf(v, language, messageKeys.measureAttribution(measure.id));
    attributions.set(text.text, text);
  }
  return {
    slug: study.slug,
    title: neutralTitle(heading.text),
    instrumentTitle,
    heading,
    intro,
    items,
    questionCount: questions.length,
    firstFieldId: questions[0] ? `f-${questions[0].id}` : "main",
    pageNumber: input.progress?.page ?? index + 1,
    pageCount: input.progress?.total ?? pages.length,
    previous,
    attributions: [...attributions.values()],
  };
}
