import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { nextStep, stepHref } from "~/participants/journey.server";
import { noStore, participantRequest } from "~/participants/page.server";

/** Sends the person to what is next for them: consent, the first page still to do, or the end. */
export async function loader(args: LoaderFunctionArgs) {
  const { study, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume`, { headers: noStore });
  throw redirect(stepHref(study.slug, await nextStep(args.context.db, study, session.participant)), { headers: noStore });
}
