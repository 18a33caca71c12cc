/**
 * Every read of participants' answers that wellbeing analysis and export make goes through
 * `analysableResponses`, its narrow twin for scoring, `analysableItemValues`, or
 * `analysableInstrumentScores` (kept scores, docs/decisions/054-measure-score-store.md and 077). Like
 * every read of participants' content it lives in app/consent (docs/decisions/011-consent-gate.md);
 * nothing in app/wellbeing selects from `answer` or `response` (score-store.server.ts only writes kept
 * scores, on the response row: docs/decisions/080-kept-scores-on-the-response.md).
 *
 * Which participants may be read is decided by the consent gate alone (./gate.server.ts,
 * `analysableParticipants`): tenant, consent, and withdrawal (erasure gone; "stop and keep" stays).
 * This module adds no rule of its own; it only shapes what the gate lets through for scoring.
 */
import { sql, type RawBuilder } from "kysely";
import type { DB } from "../../db/index";
import { analysableParticipantRows, analysableParticipants, answeredVersionIds } from "./gate.server";
import type { StudyScope } from "./scope.server";
import { SCORING_REVISION } from "../wellbeing/scoring";
import { rulesKey, scoreRulesIds } from "../wellbeing/score-store.server";

export interface AnalysableResponsesQuery extends StudyScope {
  instrumentId: string;
  timepoints: readonly string[];
  /** Only these items' answers are read (e.g. a measure's items); absent = every answer. */
  itemIds?: readonly string[];
  /** Only participants in a cohort now (a summary by cohort reads nobody else). */
  inCohort?: boolean;
}

export interface AnalysableResponse {
  responseId: string;
  participantId: string;
  /** The cohort the participant is in now (participant.cohort_id), or null. */
  cohortId: string | null;
  /** The language the participant chose when they joined the study. */
  participantLanguage: string;
  timepoint: string;
  /** The language this response was given in. */
  language: string;
  instrumentVersionId: string;
  instrumentVersion: number;
  startedOn: string;
  completedOn: string | null;
  answers: Record<string, unknown>;
}

/**
 * Responses to any version of one instrument at the given timepoints, with their answers, for the
 * participants the consent gate lets analysis see. When a participant answered the same timepoint
 * in two versions, only the later version's response is returned: one score per person and time.
 */
export async function analysableResponses(db: DB, query: AnalysableResponsesQuery): Promise<AnalysableResponse[]> {
  if (query.timepoints.length === 0) return [];
  const itemIds = query.itemIds ? [...query.itemIds] : null;
  // One response per participant and timepoint (the latest instrument version's), chosen on narrow
  // rows; then their answers folded into one JSON object per response by a single hash join and
  // aggregate, so a study of 100,000 people is 200,000 rows rather than a million
  // (docs/decisions/041-wellbeing-statistics-and-disclosure.md).
  const rows = await db
    .with("chosen", (qb) =>
      qb
        .selectFrom("response as r")
        .innerJoin("participant as p", "p.id", "r.participant_id")
        .innerJoin("instrument_version as iv", "iv.id", "r.instrument_version_id")
        .distinctOn(["r.participant_id", "r.timepoint"])
        .select([
          "r.id",
          "r.participant_id",
          "p.cohort_id",
          "p.language as participant_language",
          "r.timepoint",
          "r.language",
          "r.instrument_version_id",
          "iv.version",
          "r.started_on",
          "r.completed_on",
        ])
        .where("r.study_id", "=", query.studyId)
        .where("iv.instrument_id", "=", query.instrumentId)
        .where("r.timepoint", "in", [...query.timepoints])
        .where("r.participant_id", "in", analysableParticipants(db, query))
        .$if(query.inCohort === true, (qb) => qb.where("p.cohort_id", "is not", null))
        .orderBy("r.participant_id")
        .orderBy("r.timepoint")
        .orderBy("iv.version", "desc"),
    )
    .with("folded", (qb) => {
      let q = qb
        .selectFrom("chosen as c")
        .innerJoin("answer as a", "a.response_id", "c.id")
        .select(["a.response_id", sql<Record<string, unknown>>`jsonb_object_agg(a.item_id, a.value)`.as("answers")])
        .groupBy("a.response_id");
      if (itemIds) q = itemIds.length === 0 ? q.where(sql<boolean>`false`) : q.where("a.item_id", "in", itemIds);
      return q;
    })
    .selectFrom("chosen as c")
    .leftJoin("folded as f", "f.response_id", "c.id")
    .selectAll("c")
    .select("f.answers")
    .execute();
  return rows.map((r) => ({
    responseId: r.id,
    participantId: r.participant_id,
    cohortId: r.cohort_id,
    participantLanguage: r.participant_language,
    timepoint: r.timepoint,
    language: r.language,
    instrumentVersionId: r.instrument_version_id,
    instrumentVersion: r.version,
    startedOn: r.started_on,
    completedOn: r.completed_on,
    answers: typeof r.answers === "string" ? (JSON.parse(r.answers) as Record<string, unknown>) : (r.answers ?? {}),
  }));
}

/**
 * Settings for one transaction that reads a whole study's responses (200,000 rows at 100,000 people):
 * - Work memory above PostgreSQL's default 4 MB: folding a million answers into 200,000 groups, or
 *   sorting 200,000 chosen rows, otherwise spills every hash to disk in batches (about twice as slow).
 * - No parallel workers: the gate's hash of the people analysis may read is not shared between
 *   workers, so each builds its own copy of it, on the same two cores as the app server. Measured on
 *   the kept-scores read at 100,000 people: 1.15 s with a worker, 0.97 s without
 *   (docs/decisions/077-speed-start-cli-wellbeing.md).
 */
async function forAStudyWideRead(trx: DB): Promise<void> {
  await sql`set local work_mem = '64MB'`.execute(trx);
  await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
}

/**
 * The responses an analysis reads, as SQL for a CTE: of the people the consent gate lets analysis
 * read (`analysableParticipantRows`), to any version of the instrument at the timepoints asked. With
 * `choose`, one per participant and timepoint, the latest version's (DISTINCT ON); without, as they
 * are (the caller knows there is one, or names the responses in `where`). Columns: id,
 * answers_revision, participant_id, cohort_id, language (the participant's), timepoint,
 * instrument_version_id, and the kept scores with what they were computed from (kept_scores,
 * kept_answers_revision, kept_scoring_revision, kept_rules; a read that does not use them does not
 * fetch them, as the CTE is inlined). With `people`, the gate's rows already read (a CTE of
 * analysableParticipantRows numbered by `person`), joined instead of reading them again, and
 * `person` too.
 */
function chosenResponses(
  db: DB,
  query: StudyScope & { instrumentId: string; timepoints: readonly string[] },
  options: { choose: boolean; where?: RawBuilder<unknown>; people?: RawBuilder<unknown> },
) {
  return sql`
    select ${options.choose ? sql`distinct on (r.participant_id, r.timepoint)` : sql``}
      r.id, r.answers_revision, r.participant_id, p.cohort_id, p.language, r.timepoint, r.instrument_version_id,
      r.kept_scores, r.kept_answers_revision, r.kept_scoring_revision, r.kept_rules
      ${options.people ? sql`, p.person` : sql``}
    from response r
    join ${options.people ?? sql`(${analysableParticipantRows(db, query)})`} p on p.id = r.participant_id
    join instrument_version iv on iv.id = r.instrument_version_id
    where r.study_id = ${query.studyId} and iv.instrument_id = ${query.instrumentId}
      and r.timepoint in (${sql.join([...query.timepoints])})
      ${options.where ?? sql``}
    ${options.choose ? sql`order by r.participant_id, r.timepoint, iv.version desc` : sql``}`;
}

/**
 * The instrument versions anyone in the study has answered: which versions' definitions apply, not
 * anyone's answers, so it needs no gate (a withdrawn person's version is still a version in use).
 */
export async function answeredInstrumentVersions(db: DB, studyId: string): Promise<string[]> {
  const rows = await answeredVersionIds(db, studyId).distinct().execute();
  return rows.map((r) => r.instrument_version_id);
}

export interface ItemValuesQuery extends StudyScope {
  instrumentId: string;
  timepoints: readonly string[];
  /** Items whose numeric answers are read, in this order (a measure's items). */
  numberItems: readonly string[];
  /** Items whose text answers are read, in this order (single-choice questions). */
  textItems: readonly string[];
  /**
   * Only these responses, as they are (still only those the gate lets through, of the instrument
   * and timepoints asked); absent = one per participant and timepoint, the latest version's.
   */
  responseIds?: readonly string[];
}

export interface ResponseItemValues {
  responseId: string;
  /** response.answers_revision in the same snapshot as the values: what a kept score must name. */
  answersRevision: number;
  participantId: string;
  cohortId: string | null;
  participantLanguage: string;
  timepoint: string;
  instrumentVersionId: string;
  /** numbers[i]: the answer to numberItems[i] when it is a number, else null. */
  numbers: (number | null)[];
  /** texts[i]: the answer to textItems[i] when it is a string, else null. */
  texts: (string | null)[];
}

/**
 * The same responses as analysableResponses (same gate, one per participant and timepoint, the
 * latest version's), narrowed to what scoring needs: a few items' values as plain columns. The
 * database does the folding (one conditional aggregate per item) so that a study of 100,000 people
 * sends 200,000 flat rows of numbers, not 200,000 JSON objects to parse and walk
 * (docs/decisions/044-wellbeing-comparison-speed.md).
 */
export async function analysableItemValues(db: DB, query: ItemValuesQuery): Promise<ResponseItemValues[]> {
  if (query.timepoints.length === 0) return [];
  const numberItems = [...query.numberItems];
  const textItems = [...query.textItems];
  const items = [...new Set([...numberItems, ...textItems])];
  const numberColumns = numberItems.map(
    (item, i) =>
      sql`max(case when jsonb_typeof(a.value) = 'number' then (a.value)::float8 end) filter (where a.item_id = ${item}) as ${sql.ref(`n${i}`)}`,
  );
  const textColumns = textItems.map(
    (item, i) => sql`max(a.value #>> '{}') filter (where a.item_id = ${item} and jsonb_typeof(a.value) = 'string') as ${sql.ref(`t${i}`)}`,
  );
  // One JSON array for any number of ids: one parameter, the same on both drivers.
  const onlyResponses = (column: string) =>
    query.responseIds
      ? sql`and ${sql.ref(column)} in (select jsonb_array_elements_text(${JSON.stringify(query.responseIds)}::jsonb)::uuid)`
      : sql``;
  const folded = items.length
    ? sql`select a.response_id, ${sql.join([...numberColumns, ...textColumns])}
        from answer a join response fr on fr.id = a.response_id
        where fr.study_id = ${query.studyId} and fr.timepoint in (${sql.join([...query.timepoints])})
          and a.item_id in (${sql.join(items)}) ${onlyResponses("fr.id")}
        group by a.response_id`
    : sql`select null::uuid as response_id where false`;
  // "chosen": one response per participant and timepoint (the latest version's) of the people the
  // consent gate lets analysis read. "folded": each response's values, folded from the study's
  // responses joined to their answers by one hash join; folding from "chosen" instead makes the
  // planner underestimate it tenfold and probe the answer index 200,000 times. Only chosen rows,
  // i.e. the gate's, come out of the left join.
  // Named responses (a few to score again, from a read a moment ago) are taken as they are, through
  // the same gate: choosing among versions again would sort the whole study for a handful.
  const choose = !query.responseIds;
  const query_ = sql<Record<string, unknown>>`
    with chosen as (${chosenResponses(db, query, { choose, where: onlyResponses("r.id") })}), folded as (${folded})
    select c.id as chosen_id, c.answers_revision, c.participant_id, c.cohort_id, c.language as participant_language, c.timepoint, c.instrument_version_id, f.*
    from chosen c left join folded f on f.response_id = c.id`;
  const rows = db.isTransaction
    ? (await query_.execute(db)).rows
    : await db.transaction().execute(async (trx) => {
        await forAStudyWideRead(trx);
        return (await query_.execute(trx)).rows;
      });
  const out: ResponseItemValues[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const numbers = new Array<number | null>(numberItems.length);
    for (let i = 0; i < numberItems.length; i++) {
      const v = row[`n${i}`];
      numbers[i] = v === null || v === undefined ? null : Number(v);
    }
    const texts = new Array<string | null>(textItems.length);
    for (let i = 0; i < textItems.length; i++) texts[i] = (row[`t${i}`] as string | null | undefined) ?? null;
    out[r] = {
      responseId: row.chosen_id as string,
      answersRevision: Number(row.answers_revision),
      participantId: row.participant_id as string,
      cohortId: (row.cohort_id as string | null) ?? null,
      participantLanguage: row.participant_language as string,
      timepoint: row.timepoint as string,
      instrumentVersionId: row.instrument_version_id as string,
      numbers,
      texts,
    };
  }
  return out;
}

export interface InstrumentScoresQuery extends StudyScope {
  instrumentId: string;
  timepoints: readonly string[];
  /**
   * What a good kept row was scored with, for a response to each published version of the
   * instrument: {measure id: the version whose definition applies}, over every measure the study
   * reports for the instrument. A row scored with anything else (another version's rules, a measure
   * more or fewer) is stale. A version missing here makes its responses unscored.
   */
  scoredWith: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/**
 * The responses read, one place r per response, as columns: at 200,000 responses an object and a
 * scores array per response were a large part of the wellbeing page's garbage collection.
 */
export interface InstrumentScoredResponses {
  /**
   * Everyone the gate lets analysis read, person q being participantId[q] and so on, in no
   * particular order; some may have no response read.
   */
  people: { participantId: string[]; cohortId: (string | null)[]; language: string[] };
  /** person[r]: the person (a place in `people`) whose response r is. */
  person: Int32Array;
  /** timepoint[r]: response r's timepoint, as its place in the query's timepoints. */
  timepoint: Int32Array;
  /**
   * scores[m][r]: the kept score on the m-th measure (scoreOrder), NaN where missing or not yet
   * scored. With nothing unscored, measures without any score share one column: read-only.
   */
  scores: Float64Array[];
  /** The responses without good kept scores (other answers or rules since): the caller scores them into `scores`. */
  unscored: { row: number; responseId: string; instrumentVersionId: string }[];
}

/**
 * Between the values of a list in one read: a control character (unit separator) that no id,
 * language code, timepoint or number contains.
 */
const SEPARATOR = "\u001f";

/** The order of a kept row's scores: its measure ids, sorted (db/migrations/0024_kept_scores_on_response.ts). */
export function scoreOrder(scoredWith: Readonly<Record<string, string>>): string[] {
  return Object.keys(scoredWith).sort();
}

/**
 * The same responses as analysableItemValues (same gate, one per participant and timepoint, the
 * latest version's), each with its kept scores on every measure of the instrument when they are
 * still good: computed from the answers as they are now (the answers_revision a trigger keeps), by
 * the scoring code of now (SCORING_REVISION) and under the definitions that apply now (scoredWith).
 * Responses without a good row are scored by the caller from analysableItemValues and kept
 * (app/wellbeing/score-store.server.ts). One read gives every measure of the instrument: the page
 * that shows them all reads 200,000 rows for 100,000 people, not 200,000 per measure
 * (docs/decisions/077-speed-start-cli-wellbeing.md; before it, 054's row per response and measure).
 */
export async function analysableInstrumentScores(db: DB, query: InstrumentScoresQuery): Promise<InstrumentScoredResponses> {
  const orders = [...query.scoredWith.values()].map((rules) => scoreOrder(rules).join(","));
  // Every version's rules name the same measures (the study's, for this instrument); a score's
  // column is its place among them.
  if (new Set(orders).size > 1) throw new Error("Kept scores are read for one set of measures at a time.");
  const measures = orders[0] ? orders[0].split(",").filter((m) => m !== "") : [];
  if (query.timepoints.length === 0)
    return {
      people: { participantId: [], cohortId: [], language: [] },
      person: new Int32Array(0),
      timepoint: new Int32Array(0),
      scores: measures.map(() => new Float64Array(0)),
      unscored: [],
    };
  const read = async (trx: DB) => {
    // With one version of the instrument answered, the unique key (participant, version,
    // timepoint) already gives one response per person and time, and the sort that DISTINCT ON
    // needs (a quarter of the read's time at 200,000 responses) can be skipped. Both statements
    // run in one snapshot, so a response in a new version cannot slip in between them.
    const published = await trx
      .selectFrom("instrument_version")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("instrument_id", "=", query.instrumentId)
      .executeTakeFirst();
    const answered =
      Number(published?.n ?? 0) <= 1
        ? 1
        : Number(
            (
              await sql<{ n: number }>`
              select count(*)::int as n from instrument_version iv
              where iv.instrument_id = ${query.instrumentId} and exists (
                select 1 from response r where r.study_id = ${query.studyId} and r.instrument_version_id = iv.id
                  and r.timepoint in (${sql.join([...query.timepoints])}))`.execute(trx)
            ).rows[0]?.n ?? 0,
          );
    const oneVersion = answered <= 1;
    // The rules that apply now, by id; a version whose rules were never kept under has none, and
    // nothing of it is good.
    const rulesIds = await scoreRulesIds(trx, [...query.scoredWith.values()], { create: false });
    const versionsRules = [...query.scoredWith].flatMap(([versionId, rules]) => {
      const id = rulesIds.get(rulesKey(rules));
      return id === undefined ? [] : [sql`when ${versionId}::uuid then ${sql.lit(id)}`];
    });
    const expected = versionsRules.length ? sql`case c.instrument_version_id ${sql.join(versionsRules, sql` `)} end` : sql`null::integer`;
    // The whole read comes back as one row of lists, each a string_agg over the same rows in the
    // same order (one aggregate pass), that split(SEPARATOR) takes apart. At 200,000 responses a row
    // each was 200,000 objects and two million values for the driver to parse one by one: half the
    // read's time, and most of the page's garbage collection
    // (docs/decisions/080-kept-scores-on-the-response.md).
    // The people the gate lets through are numbered once (row_number without an order: no sort) and
    // listed once; a response names its person by that number, not by a 36-character id, and
    // whoever pairs responses needs no lookup by id. A response with good kept scores carries no
    // ids at all.
    const timepoints = sql`array[${sql.join([...query.timepoints])}]::text[]`;
    const scoreLists = measures.map(
      (_, i) =>
        sql`string_agg(case when c.good then coalesce(c.kept_scores[${sql.lit(i + 1)}]::text, '') else '' end, ${SEPARATOR}) as ${sql.ref(`s${i}`)}`,
    );
    const rows = (
      await sql<Record<string, string | number | null>>`
      with people as materialized (
        select g.id, g.cohort_id, g.language, (row_number() over ())::int - 1 as person
        from (${analysableParticipantRows(db, query)}) g
      ),
      chosen as (${chosenResponses(db, query, { choose: !oneVersion, people: sql`people` })}),
      judged as (
        select c.*, coalesce(c.kept_answers_revision = c.answers_revision and c.kept_scoring_revision = ${SCORING_REVISION}
          and c.kept_rules = ${expected}, false) as good
        from chosen c
      )
      select
        (select count(*)::int from people) as "peopleCount",
        (select string_agg(id::text, ${SEPARATOR}) from people) as "participantId",
        (select string_agg(coalesce(cohort_id::text, ''), ${SEPARATOR}) from people) as "cohortId",
        (select string_agg(language, ${SEPARATOR}) from people) as language,
        count(*)::int as n,
        string_agg((c.person * ${sql.lit(query.timepoints.length)} + array_position(${timepoints}, c.timepoint) - 1)::text
          || case when c.good then '' else ' ' || c.id::text || ' ' || c.instrument_version_id::text end, ${SEPARATOR}) as responses
        ${scoreLists.length ? sql`, ${sql.join(scoreLists)}` : sql``}
      from judged c`.execute(trx)
    ).rows;
    return rows[0]!;
  };
  const row = db.isTransaction
    ? await read(db)
    : await db
        .transaction()
        .setIsolationLevel("repeatable read")
        .execute(async (trx) => {
          await forAStudyWideRead(trx);
          return read(trx);
        });
  const n = Number(row.n ?? 0);
  const peopleCount = Number(row.peopleCount ?? 0);
  // A list of `count` values; nothing but separators means every value is empty (a measure nobody
  // answered, a study without cohorts), and is not split.
  const list = (name: string, count: number): string[] => (count === 0 ? [] : String(row[name]).split(SEPARATOR));
  const allEmpty = (name: string, count: number) => count === 0 || String(row[name]).length === count - 1;
  const out: InstrumentScoredResponses = {
    people: {
      participantId: list("participantId", peopleCount),
      cohortId: allEmpty("cohortId", peopleCount)
        ? new Array<string | null>(peopleCount).fill(null)
        : list("cohortId", peopleCount).map((id) => (id === "" ? null : id)),
      language: list("language", peopleCount),
    },
    person: new Int32Array(n),
    timepoint: new Int32Array(n),
    scores: [],
    unscored: [],
  };
  // Each response is "place" (person × timepoints + timepoint), followed by " id version" when it has
  // no good kept scores: one list for what were three.
  const timepointCount = query.timepoints.length;
  const responses = list("responses", n);
  for (let r = 0; r < n; r++) {
    const value = responses[r]!;
    const space = value.indexOf(" ");
    const place = Number(space < 0 ? value : value.slice(0, space));
    out.person[r] = Math.floor(place / timepointCount);
    out.timepoint[r] = place % timepointCount;
    if (space >= 0) {
      const [responseId, instrumentVersionId] = value.slice(space + 1).split(" ") as [string, string];
      out.unscored.push({ row: r, responseId, instrumentVersionId });
    }
  }
  // A measure nobody has a kept score on shares one column of NaN, unless some responses are still
  // to be scored into it: a fresh 1.6 MB column per measure was 25 ms of a view in page faults alone.
  const noneKept = out.unscored.length === 0 ? new Float64Array(n).fill(NaN) : null;
  out.scores = measures.map((_, m) => (noneKept && allEmpty(`s${m}`, n) ? noneKept : new Float64Array(n).fill(NaN)));
  measures.forEach((_, m) => {
    if (allEmpty(`s${m}`, n)) return;
    const column = out.scores[m]!;
    const scores = list(`s${m}`, n);
    for (let r = 0; r < n; r++) if (scores[r] !== "") column[r] = Number(scores[r]);
  });
  return out;
}
