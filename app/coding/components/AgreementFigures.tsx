import { useT } from "~/i18n/react";
import { DataTable } from "~/workspace/components/DataTable";

/** A row of figures: one theme's, or every theme's decisions pooled. */
interface FigureRow {
  units: number;
  percentAgreement: number | null;
  cohensKappa: number | null;
  krippendorffAlpha: number | null;
  alphaInterval: { low: number; high: number } | null;
}

interface AgreementFiguresProps {
  report: {
    units: unknown[];
    coders: unknown[];
    themes: (FigureRow & {
      themeId: string;
      themeName: string;
      disagreements: unknown[];
      unvarying: { coderId: string; applied: boolean }[];
    })[];
    overall: (FigureRow & { disagreements: number }) | null;
    bootstrap: { resamples: number; seed: number } | null;
  };
  coderName: Record<string, string>;
}

function figure(value: number | null) {
  return value === null ? "—" : value.toFixed(3);
}

function percent(value: number | null) {
  return value === null ? "—" : `${Math.round(value * 1000) / 10}%`;
}

function interval(t: ReturnType<typeof useT>, value: { low: number; high: number } | null) {
  return value === null ? "—" : t("coding.agreement.intervalValue", { low: value.low.toFixed(3), high: value.high.toFixed(3) });
}

type NoteKey =
  | "coding.agreement.noteUndefined"
  | "coding.agreement.noteNeverApplied"
  | "coding.agreement.noteAlwaysApplied"
  | "coding.agreement.noteNoAlpha";

/**
 * Why a figure reads as it does (issue 14 item 14): "92.9 % agreement, κ 0.000" is a coder who never
 * varied, and a dash is a figure that cannot be computed, not a missing one.
 */
function themeNotes(
  row: { units: number; cohensKappa: number | null; krippendorffAlpha: number | null; unvarying: { coderId: string; applied: boolean }[] },
  coders: number,
): { key: NoteKey; coder?: string }[] {
  if (row.units === 0) return [];
  if (coders === 2 && row.cohensKappa === null) return [{ key: "coding.agreement.noteUndefined" }];
  const notes: { key: NoteKey; coder?: string }[] = row.unvarying.map((u) => ({
    key: u.applied ? "coding.agreement.noteAlwaysApplied" : "coding.agreement.noteNeverApplied",
    coder: u.coderId,
  }));
  if (row.krippendorffAlpha === null) notes.push({ key: "coding.agreement.noteNoAlpha" });
  return notes;
}

/** The agreement page's table of figures per theme and pooled, with what each unusual figure means. */
export function AgreementFigures({ report, coderName }: AgreementFiguresProps) {
  const t = useT();
  return (
    <>
      <DataTable
        columns={[
          "coding.views.theme",
          "coding.agreement.unitsColumn",
          "coding.agreement.percent",
          "coding.agreement.kappa",
          "coding.agreement.alpha",
          "coding.agreement.alphaInterval",
          "coding.agreement.disagreements",
          "coding.agreement.notes",
        ]}
        caption={<caption>{t("coding.agreement.tableCaption", { n: report.units.length })}</caption>}
      >
        {report.themes.map((r) => (
          <tr key={r.themeId}>
            <th scope="row">{r.themeName}</th>
            <td>{r.units}</td>
            <td>{percent(r.percentAgreement)}</td>
            <td>{figure(r.cohensKappa)}</td>
            <td>{figure(r.krippendorffAlpha)}</td>
            <td>{interval(t, r.alphaInterval)}</td>
            <td>{r.disagreements.length}</td>
            <td>
              {themeNotes(r, report.coders.length).map((note) => (
                <p key={note.key + (note.coder ?? "")} className="ws-hint">
                  {t(note.key, { coder: note.coder ? (coderName[note.coder] ?? "") : "" })}
                </p>
              ))}
            </td>
          </tr>
        ))}
        {report.overall ? (
          <tr>
            <th scope="row">{t("coding.agreement.overall")}</th>
            <td>{report.overall.units}</td>
            <td>{percent(report.overall.percentAgreement)}</td>
            <td>{figure(report.overall.cohensKappa)}</td>
            <td>{figure(report.overall.krippendorffAlpha)}</td>
            <td>{interval(t, report.overall.alphaInterval)}</td>
            <td>{report.overall.disagreements}</td>
            <td>
              <p className="ws-hint">{t("coding.agreement.overallHint")}</p>
            </td>
          </tr>
        ) : null}
      </DataTable>
      {report.bootstrap ? (
        <p className="ws-hint">
          {t("coding.agreement.bootstrapNote", { resamples: report.bootstrap.resamples, seed: String(report.bootstrap.seed) })}
        </p>
      ) : null}
    </>
  );
}
