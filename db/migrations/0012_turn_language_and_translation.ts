import type { Kysely } from "kysely";
import { runScript } from "./script";

// Each transcript turn in its own language, and an interpreter's turn linked to the turn it renders
// (docs/decisions/063-turn-language-and-linked-translations.md).
//
// transcript_segment.language has existed since 0005 but was always the whole transcript's language.
// This migration adds the link, and corrects the clearest old case: a turn written only in Arabic
// script but stored under a language that is not written in it (an Arabic turn of an "en" transcript).
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    -- The composite key lets the link below require the same session in the database itself.
    alter table transcript_segment add constraint transcript_segment_session_and_id unique (session_id, id);

    -- The turn this interpreter turn renders (translates). A rendering of a participant's words is
    -- theirs for consent and erasure (the gate reads the owner through this link); erasing the
    -- participant deletes their turns, and ON DELETE CASCADE deletes the renderings with them, and
    -- with those their codings, redactions, translations and resolutions.
    alter table transcript_segment add column renders_segment_id uuid;
    alter table transcript_segment add constraint transcript_segment_renders
      foreign key (session_id, renders_segment_id) references transcript_segment(session_id, id) on delete cascade;
    alter table transcript_segment add constraint transcript_segment_renders_by_interpreter
      check (renders_segment_id is null or (speaker_role = 'interpreter' and renders_segment_id <> id));
    create index transcript_segment_renders on transcript_segment(renders_segment_id) where renders_segment_id is not null;

    -- One level only: what is rendered is a participant's or the facilitator's turn, never another
    -- interpreter turn, so a rendering's owner is always one join away (the gate relies on it).
    create function transcript_segment_rendering_check() returns trigger language plpgsql as $$
    begin
      if new.renders_segment_id is not null and exists (
        select 1 from transcript_segment o where o.id = new.renders_segment_id and o.speaker_role = 'interpreter'
      ) then
        raise exception 'an interpreter turn can only render a participant''s or the facilitator''s turn';
      end if;
      if new.speaker_role = 'interpreter' and exists (select 1 from transcript_segment r where r.renders_segment_id = new.id) then
        raise exception 'an interpreter turn cannot be rendered by another turn';
      end if;
      return new;
    end
    $$;
    create trigger transcript_segment_rendering_check before insert or update of renders_segment_id, speaker_role
      on transcript_segment for each row execute function transcript_segment_rendering_check();

    -- Old transcripts: a turn with Arabic-script letters and no Latin ones, stored under a language
    -- not written in Arabic script, was an Arabic-script turn in a mixed transcript. It becomes the
    -- study's one other Arabic-script language when the study offers exactly one and not Arabic
    -- (as app/fieldwork/turn-language.ts suggests at upload), and Arabic otherwise.
    update transcript_segment seg set language = coalesce((
        select case when cardinality(array(select unnest(st.languages) intersect select unnest(array['fa','ps','ckb']))) = 1
                     and not ('ar' = any(st.languages))
                    then (select l from unnest(st.languages) l where l in ('fa','ps','ckb') limit 1) end
        from study_session ses join study st on st.id = ses.study_id where ses.id = seg.session_id
      ), 'ar')
    where seg.language not in ('ar','fa','ps','ckb','ur')
      and seg.text ~ '[\\u0600-\\u06FF\\u0750-\\u077F\\uFB50-\\uFDFF\\uFE70-\\uFEFF]'
      and seg.text !~ '[A-Za-z\\u00C0-\\u024F]';
    `,
  );
}
