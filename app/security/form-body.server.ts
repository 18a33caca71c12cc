/**
 * The one reader of a request's form for workspace actions. A body that does not parse as the form
 * it claims to be (multipart without its boundary, a cut-off part) is the sender's mistake: it is
 * answered 400, a translated "we could not read what was sent" page (app/errors/ErrorPage.tsx),
 * never a 500, and nothing is changed.
 */
export async function readFormBody(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw badRequest();
  }
}

export function badRequest(): Response {
  return new Response("Bad request", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}
