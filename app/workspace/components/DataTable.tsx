import type { ReactNode } from "react";
import { useT } from "~/i18n/react";

/**
 * A workspace table whose column headings are message keys, read in the workspace language. The
 * rows stay with the page that knows them; the heading row, its scope and the class live here once.
 */
export function DataTable({
  columns,
  caption,
  className,
  testId,
  children,
}: {
  columns: string[];
  caption?: ReactNode;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <table className={className ? `ws-table ${className}` : "ws-table"} data-testid={testId}>
      {caption}
      <thead>
        <tr>
          {columns.map((key) => (
            <th scope="col" key={key}>
              {t(key)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
