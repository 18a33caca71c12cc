import { useRouteLoaderData } from "@remix-run/react";

export interface WorkspaceLayoutData {
  user: { email: string; displayName: string } | null;
  csrf: string | null;
}

/**
 * The hidden CSRF field every workspace form carries. Signed in, it is the session's token (from the
 * research layout's loader); before sign-in, the page passes its double-submit token.
 */
export function CsrfInput({ token }: { token?: string }) {
  const layout = useRouteLoaderData<WorkspaceLayoutData>("routes/research");
  const value = token ?? layout?.csrf ?? "";
  return <input type="hidden" name="csrf" value={value} />;
}
