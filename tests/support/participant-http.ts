/**
 * A participant over plain HTTP (no browser, no JavaScript): follows redirects by hand so cookies
 * set on redirects are kept, and reads forms out of the HTML.
 */
export class ParticipantClient {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      if (/Max-Age=0/i.test(line) || value === "") this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
  }

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string | string[]> } = {},
  ): Promise<{ status: number; url: string; html: string; response: Response }> {
    let url = new URL(path, this.base).toString();
    let method = init.method ?? (init.form ? "POST" : "GET");
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
    }
    for (let hops = 0; hops < 10; hops++) {
      const response = await fetch(url, {
        method,
        body,
        redirect: "manual",
        headers: {
          cookie: this.cookieHeader(),
          ...(body ? { "content-type": "application/x-www-form-urlencoded", origin: new URL(this.base).origin } : {}),
        },
      });
      this.keep(response);
      if (response.status >= 300 && response.status < 400) {
        url = new URL(response.headers.get("location")!, url).toString();
        method = "GET";
        body = undefined;
        continue;
      }
      return { status: response.status, url, html: await response.text(), response };
    }
    throw new Error("too many redirects");
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, form: Record<string, string | string[]>) {
    return this.request(path, { form });
  }
}

export function hiddenValue(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no hidden field ${name}`);
  return match[1]!;
}

export function codeOnPage(html: string): string {
  const match = /class="code">([0-9A-Z-]{19})</.exec(html);
  if (!match) throw new Error("no code on the page");
  return match[1]!;
}

/** Agree to every statement of the demo consent form (optional ones as given). */
export function consentForm(token: string, optional: { audio_recording?: boolean; quotes?: boolean } = {}) {
  return {
    _token: token,
    read_information_sheet: "yes",
    voluntary_withdrawal: "yes",
    anonymised_confidential: "yes",
    audio_recording: optional.audio_recording ? "yes" : "no",
    quotes: optional.quotes ? "yes" : "no",
    pause_or_stop: "yes",
    agree_to_take_part: "yes",
  };
}
