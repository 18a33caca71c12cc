import type { DB } from "../db/index";
import type { Secrets } from "./security/secrets.server";

export interface TandemContext {
  db: DB;
  secrets: Secrets;
  /** Per-request CSP nonce for the few scripts workspace pages load. */
  nonce: string;
  /** A keyed hash of the client's address, for rate limits; the address itself goes no further. */
  clientKey: string;
  /** True when served over HTTPS in production: cookies get Secure and the __Host- prefix. */
  secureCookies: boolean;
  /**
   * True for Remix's data requests (`?_data=`, a page fetched by the browser without a reload). Remix
   * hides the parameter from loaders; the root uses this to send messages then (app/root.tsx).
   */
  dataRequest?: boolean;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends TandemContext {}
}

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends TandemContext {}
}
