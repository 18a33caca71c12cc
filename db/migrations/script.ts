import { sql, type Kysely } from "kysely";

/**
 * Runs a migration written as one SQL script, a statement at a time: both drivers send queries as
 * prepared statements, which take one command each. Splits on semicolons outside $$-quoted bodies.
 */
export async function runScript(db: Kysely<any>, script: string): Promise<void> {
  for (const statement of splitStatements(script)) {
    await sql.raw(statement).execute(db);
  }
}

export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = "";
  let inDollarBody = false;
  for (const line of script.split("\n")) {
    const trimmed = line.trim();
    if (!inDollarBody && trimmed.startsWith("--")) continue;
    current += line + "\n";
    const dollars = (line.match(/\$\$/g) ?? []).length;
    if (dollars % 2 === 1) inDollarBody = !inDollarBody;
    if (!inDollarBody && trimmed.endsWith(";")) {
      statements.push(current.trim().replace(/;$/, ""));
      current = "";
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
