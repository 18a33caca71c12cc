import { useBlocker } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";

/**
 * With JavaScript, the editor knows when something typed is not saved yet: it says so beside Save,
 * and asks before the person leaves the page (closing the tab, or a link such as the preview) and
 * loses it. Without JavaScript nothing warns, and nothing is lost by the page's own buttons either:
 * every one of them saves the form.
 */
export function useUnsavedChanges(warning: string) {
  const [dirty, setDirty] = useState(false);
  const dirtyRef = useRef(false);
  const set = useCallback((value: boolean) => {
    dirtyRef.current = value;
    setDirty(value);
  }, []);

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Chrome before 119 and others show their own question only when returnValue is set.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);

  // Links inside the app navigate without unloading the page: ask before those too. The form's own
  // submissions stay on this page's address, so they are never held up.
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirtyRef.current && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm(warning)) blocker.proceed();
    else blocker.reset();
  }, [blocker, warning]);

  return { dirty, changed: useCallback(() => set(true), [set]), submitted: useCallback(() => set(false), [set]) };
}
