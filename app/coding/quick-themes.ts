/**
 * The themes behind the coding page's number keys (1–9). A coder reaches for the few themes they are
 * using now, so these are the ones they applied most recently; while there are fewer than nine, the
 * codebook's first themes without sub-themes fill the rest (a heading such as "Relational values"
 * groups its sub-themes and is seldom applied itself). All of them are shown in codebook order, not
 * in order of use: applying a theme that is already there moves no number, so "3" stays "3" while
 * a coder works down a transcript.
 */
export const QUICK_THEMES = 9;

export function quickThemeIds(
  themes: readonly { id: string; parentId: string | null }[],
  recent: readonly string[],
  size = QUICK_THEMES,
): string[] {
  const usable = new Set(themes.map((t) => t.id));
  const chosen = new Set(recent.filter((id) => usable.has(id)).slice(0, size));
  const parents = new Set(themes.map((t) => t.parentId));
  for (const t of themes) {
    if (chosen.size >= size) break;
    if (!parents.has(t.id)) chosen.add(t.id);
  }
  return themes.filter((t) => chosen.has(t.id)).map((t) => t.id);
}
