import type { DB } from "../../db/index";
import type { Role } from "../../db/tables/foundation";
import { hashPassword } from "../../app/auth/password.server";

/**
 * A tiny browser for workspace tests over HTTP: keeps cookies, never follows redirects (tests look at
 * them), and reads the CSRF token from the page's hidden field.
 */
export class WorkspaceClient {
  cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      if (attributes.some((a) => /^\s*max-age=0/i.test(a)) || value === "") this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return response;
  }

  async get(path: string) {
    return this.keep(await fetch(this.baseUrl + path, { redirect: "manual", headers: { Cookie: this.cookieHeader() } }));
  }

  async post(path: string, fields: Record<string, string | string[]>, options: { csrf?: string | null } = {}) {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    if (options.csrf !== null && options.csrf !== undefined) body.set("csrf", options.csrf);
    return this.keep(
      await fetch(this.baseUrl + path, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: this.cookieHeader(), "Content-Type": "application/x-www-form-urlencoded" },
        body,
      }),
    );
  }

  /** GETs a page and POSTs to it with the page's own CSRF token. */
  async submit(path: string, fields: Record<string, string | string[]>) {
    const page = await this.get(path);
    const token = csrfFrom(await page.text());
    return this.post(path, fields, { csrf: token });
  }

  async signIn(email: string, password: string) {
    const response = await this.submit("/research/sign-in", { email, password, next: "/research" });
    return response;
  }

  /** The session's CSRF token, read from any signed-in workspace page. */
  async csrf() {
    return csrfFrom(await (await this.get("/research")).text());
  }
}

export function csrfFrom(html: string): string {
  const match = /name="csrf" value="([^"]*)"/.exec(html);
  if (!match) throw new Error("no CSRF field on the page");
  return match[1]!;
}

export const TEST_PASSWORD = "a long and unusual test passphrase 7";

/** A user with a password and a role in an organisation, made directly through the database. */
export async function makeMember(db: DB, input: { organisationId: string; email: string; role: Role; password?: string }) {
  const user = await db
    .insertInto("app_user")
    .values({
      email: input.email,
      password_hash: await hashPassword(input.password ?? TEST_PASSWORD),
      totp_secret: null,
      disabled_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("membership").values({ user_id: user.id, organisation_id: input.organisationId, role: input.role }).execute();
  return user.id;
}
