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
  return new Response("Bad request", {
    status: 400,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * A form field as a trimmed string ("" when absent or a file). The one reader of a single field for
 * workspace and participant actions alike: what a browser posts for a radio, a code or a text box.
 */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

/** A whole number field, or NaN (which every caller's schema or check refuses). */
export function intField(form: FormData, name: string): number {
  const text = field(form, name);
  return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
}
