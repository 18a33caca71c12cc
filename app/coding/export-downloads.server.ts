/**
 * The study's full exports as workspace downloads: the same audited domain functions the command
 * line runs (exports.server.ts), answered as files. Answers are streamed (a study's answers can be
 * millions of rows), waiting for the browser to read so memory stays flat like the CLI's file writer.
 */
import type { DB } from "../../db/index";
import type { StudyScope } from "../consent/scope.server";
import { NO_STORE } from "../auth/headers";
import {
  exportAnswersLong,
  exportAnswersWide,
  exportCodebook,
  exportCodedSpans,
  exportDataDictionary,
  type Actor,
  type Write,
} from "./exports.server";
import { CodebookImportError, exportQdc } from "./codebook-exchange.server";
import { exportDdiCodebook } from "./ddi.server";
import { exportAnswersRScript } from "./r-script.server";
import { exportAnswersStats, type WriteBytes } from "./stats-export.server";

/** The files the Exports page offers, by the name in their URL. */
export const EXPORT_FILES = [
  "answers-long.csv",
  "answers-wide.csv",
  "data-dictionary.csv",
  "coded-spans.csv",
  "codebook.csv",
  "answers.sav",
  "answers.dta",
  "answers.R",
  "data-dictionary.xml",
  "codebook.qdc",
] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

export function isExportFile(name: string | undefined): name is ExportFile {
  return (EXPORT_FILES as readonly string[]).includes(name ?? "");
}

function fileResponse(body: BodyInit, filename: string, contentType = "text/csv; charset=utf-8"): Response {
  return new Response(body, {
    headers: {
      ...NO_STORE,
      "Content-Type": contentType,
      "Content-Disposition": `attachment; filename="${filename}"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/**
 * Runs `produce` into a response body as it is read. The export's own audit entry is written when
 * it has finished (with the rows actually sent); a failure part-way aborts the download.
 */
function streamed(produce: (write: Write) => Promise<unknown>): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const write: Write = async (chunk) => {
    await writer.ready;
    await writer.write(encoder.encode(chunk));
  };
  produce(write)
    .then(
      () => writer.close(),
      (error: unknown) => writer.abort(error),
    )
    // The browser went away: nothing more to tell it.
    .catch(() => {});
  return readable;
}

/** The same for bytes (.sav, .dta): written as the second pass reads the answers (ADR 072). */
function streamedBytes(produce: (write: WriteBytes) => Promise<unknown>): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const write: WriteBytes = async (chunk) => {
    await writer.ready;
    await writer.write(chunk);
  };
  produce(write)
    .then(
      () => writer.close(),
      (error: unknown) => writer.abort(error),
    )
    .catch(() => {});
  return readable;
}

export async function exportDownload(
  db: DB,
  scope: StudyScope,
  studySlug: string,
  actor: Actor,
  file: ExportFile,
  options: { language?: string } = {},
): Promise<Response> {
  const date = new Date().toISOString().slice(0, 10);
  const dot = file.lastIndexOf(".");
  const filename = `${studySlug}-${file.slice(0, dot)}${options.language ? `-${options.language}` : ""}-${date}${file.slice(dot)}`;
  switch (file) {
    case "answers.sav":
    case "answers.dta": {
      const format = file === "answers.sav" ? "sav" : "dta";
      return fileResponse(
        streamedBytes((write) => exportAnswersStats(db, scope, actor, { format, language: options.language }, write)),
        filename,
        format === "sav" ? "application/x-spss-sav" : "application/x-stata-dta",
      );
    }
    case "answers.R":
      return fileResponse(await exportAnswersRScript(db, scope, actor, options), filename, "text/plain; charset=utf-8");
    case "data-dictionary.xml":
      return fileResponse(await exportDdiCodebook(db, scope, actor, options), filename, "application/xml; charset=utf-8");
    case "answers-long.csv":
      return fileResponse(
        streamed((write) => exportAnswersLong(db, scope, actor, write)),
        filename,
      );
    case "answers-wide.csv":
      return fileResponse(
        streamed((write) => exportAnswersWide(db, scope, actor, write)),
        filename,
      );
    case "data-dictionary.csv":
      return fileResponse(await exportDataDictionary(db, scope, actor), filename);
    case "coded-spans.csv":
      return fileResponse((await exportCodedSpans(db, scope, actor)).csv, filename);
    case "codebook.csv":
      return fileResponse(await exportCodebook(db, scope, actor), filename);
    case "codebook.qdc":
      try {
        return fileResponse((await exportQdc(db, scope, actor)).xml, filename, "application/xml; charset=utf-8");
      } catch (error) {
        // The page offers the file only when there are accepted themes; a stale page is told plainly.
        if (error instanceof CodebookImportError && error.reason === "no_themes")
          return new Response("This study has no accepted themes yet.", {
            status: 409,
            headers: { ...NO_STORE, "Content-Type": "text/plain; charset=utf-8" },
          });
        throw error;
      }
  }
}
