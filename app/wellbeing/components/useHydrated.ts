import { useEffect, useState } from "react";

/**
 * False on the server and in the browser's first render, true after hydration. Recharts 3 draws
 * nothing on the server (recharts/recharts#5997), so charts render a static SVG until this is true
 * and recharts takes over only in a browser that runs JavaScript.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
