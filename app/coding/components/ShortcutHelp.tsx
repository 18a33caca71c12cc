import { useEffect, useRef } from "react";
import { useT } from "~/i18n/react";

const KEYS: [string, string][] = [
  ["J / ↓ / N", "coding.keys.next"],
  ["K / ↑ / P", "coding.keys.previous"],
  ["Home / End", "coding.keys.ends"],
  ["1 – 9", "coding.keys.quick"],
  ["Enter / T", "coding.keys.find"],
  ["S", "coding.keys.select"],
  ["O", "coding.keys.open"],
  ["Tab", "coding.keys.codes"],
  ["Esc", "coding.keys.escape"],
  ["?", "coding.keys.help"],
];

/** The coding keys, in a modal dialog (the browser's own: it holds focus and closes with Escape). */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="qb-help" aria-labelledby="qb-help-h" onClose={onClose}>
      <h2 id="qb-help-h">{t("coding.keys.title")}</h2>
      <table className="ws-table">
        <thead>
          <tr>
            <th scope="col">{t("coding.keys.key")}</th>
            <th scope="col">{t("coding.keys.does")}</th>
          </tr>
        </thead>
        <tbody>
          {KEYS.map(([keys, what]) => (
            <tr key={what}>
              <td>
                <kbd dir="ltr">{keys}</kbd>
              </td>
              <td>{t(what)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit">{t("coding.quick.close")}</button>
      </form>
    </dialog>
  );
}
