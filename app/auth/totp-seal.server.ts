/**
 * TOTP secrets at rest. A staff member's second factor is only a second factor if a copy of the
 * database (a backup, a dump handed to the wrong person) does not also hold it in the clear, so the
 * base32 secret is sealed with AES-256-GCM under a key derived from the master secret, which lives
 * outside the database (TANDEM_SECRET or DATA_DIR/secret.key).
 *
 * Stored form: `v1:<iv>:<ciphertext+tag>` (base64url). A value without the prefix is a secret stored
 * before sealing existed; it is still read, and sealed the next time the user's code is accepted.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const PREFIX = "v1:";

export function sealTotpSecret(secret: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${iv.toString("base64url")}:${body.toString("base64url")}`;
}

/** The base32 secret, or null when the stored value was sealed under another key or was tampered with. */
export function openTotpSecret(stored: string, key: Buffer): string | null {
  if (!isSealed(stored)) return stored;
  const [ivText, bodyText] = stored.slice(PREFIX.length).split(":");
  if (!ivText || !bodyText) return null;
  const body = Buffer.from(bodyText, "base64url");
  if (body.length < 17) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivText, "base64url"));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}
