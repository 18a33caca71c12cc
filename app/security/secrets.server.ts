import { randomBytes, createHmac } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface Secrets {
  /** Keys the participant-code hash, so a copy of the database alone cannot be searched for codes. */
  codeHashKey: Buffer;
  /** Keys hashes of client addresses for rate limits: the address itself is never stored. */
  clientKey: Buffer;
  /** Encrypts staff TOTP secrets at rest, so a copy of the database alone cannot mint second factors. */
  totpKey: Buffer;
  /**
   * Signs the consent form's one-time token and turns it into the participant's session cookie, so
   * the cookie is never in a page, never chosen by the client, and never derivable from the database.
   */
  participantFormKey: Buffer;
}

/**
 * One master secret, from TANDEM_SECRET or, for the embedded database, a file beside it created on
 * first start. Processes that share a PostgreSQL must share TANDEM_SECRET (production refuses without it).
 */
export function loadSecrets(options: { dataDir: string; usingPostgres: boolean }): Secrets {
  let master = process.env.TANDEM_SECRET;
  if (!master) {
    if (options.usingPostgres && process.env.NODE_ENV === "production") {
      throw new Error("TANDEM_SECRET must be set when several processes share PostgreSQL (64 hex characters: `openssl rand -hex 32`).");
    }
    const file = path.join(options.dataDir, "secret.key");
    if (!existsSync(file)) {
      mkdirSync(options.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
    }
    master = readFileSync(file, "utf8").trim();
  }
  if (master.length < 32) throw new Error("TANDEM_SECRET is too short: use at least 32 characters (`openssl rand -hex 32`).");
  return secretsFrom(master);
}

export function secretsFrom(master: string): Secrets {
  const derive = (purpose: string) => createHmac("sha256", master).update(purpose).digest();
  return {
    codeHashKey: derive("participant-code"),
    clientKey: derive("client-address"),
    totpKey: derive("totp-secret"),
    participantFormKey: derive("participant-form-token"),
  };
}
