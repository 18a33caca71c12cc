import type { LoaderFunctionArgs } from "@remix-run/node";
import { requestLanguage } from "~/i18n/request.server";
import { atomFeed } from "~/report-back/feed.server";
import { publicOrganisation } from "~/report-back/page.server";

/** /o/<org>/you-said-we-did/feed.xml: a resource route, so feed readers get Atom, not a page. */
export async function loader(args: LoaderFunctionArgs) {
  const org = await publicOrganisation(args);
  const body = await atomFeed(args.context.db, org, new URL(args.request.url).origin, requestLanguage(args.request));
  return new Response(body, {
    headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "no-store" },
  });
}
