/**
 * Time-based one-time passwords (RFC 6238, built on HOTP, RFC 4226) for staff second factor.
 * Defaults match every mainstream authenticator app: HMAC-SHA-1, 6 digits, 30-second steps,
 * secrets in RFC 4648 base32 inside an otpauth:// URI (Google Authenticator "Key Uri Format").
 *
 * Replay: RFC 6238 §5.2 says a code must not be accepted twice. verifyTotp cannot know what was
 * accepted before; callers that can store state should use matchTotpStep and refuse any step at or
 * below the last one accepted for that account.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type TotpAlgorithm = "sha1" | "sha256" | "sha512";
export interface TotpOptions {
  digits?: number;
  stepSeconds?: number;
  algorithm?: TotpAlgorithm;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Accepts lower case, spaces/dashes (as apps show secrets in groups) and `=` padding. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s-]/g, "").replace(/=+$/, "").toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of clean) {
    const v = BASE32.indexOf(c);
    if (v < 0) throw new TypeError("secret is not base32");
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

/** A new 160-bit secret (RFC 4226 §4 recommends 160 bits), base32 without padding (32 characters). */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

function hotp(key: Buffer, counter: number, digits: number, algorithm: TotpAlgorithm): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  // Dynamic truncation, RFC 4226 §5.3.
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

function settings(options: TotpOptions) {
  const digits = options.digits ?? 6;
  const stepSeconds = options.stepSeconds ?? 30;
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new RangeError("digits must be 6 to 10");
  if (!Number.isInteger(stepSeconds) || stepSeconds <= 0) throw new RangeError("stepSeconds must be a positive integer");
  return { digits, stepSeconds, algorithm: options.algorithm ?? "sha1" };
}

/** The time step (RFC 6238 T) that a moment falls in. */
export function totpStep(atMs: number, stepSeconds = 30): number {
  return Math.floor(atMs / 1000 / stepSeconds);
}

export function totpCode(secretBase32: string, atMs: number, options: TotpOptions = {}): string {
  const { digits, stepSeconds, algorithm } = settings(options);
  return hotp(base32Decode(secretBase32), totpStep(atMs, stepSeconds), digits, algorithm);
}

/**
 * The time step the code belongs to, or null. Accepts `window` steps either side of now for clock
 * drift and typing time (RFC 6238 §5.2 recommends at most one). Every candidate is compared in
 * constant time and all are checked, so timing does not reveal which step was near.
 */
export function matchTotpStep(secretBase32: string, code: string, atMs: number, window = 1, options: TotpOptions = {}): number | null {
  const { digits, stepSeconds, algorithm } = settings(options);
  // Apps show "123 456"; people paste with spaces.
  const given = code.replace(/\s/g, "");
  if (given.length !== digits || !/^[0-9]+$/.test(given)) return null;
  let key: Buffer;
  try {
    key = base32Decode(secretBase32);
  } catch {
    return null;
  }
  const givenBytes = Buffer.from(given, "ascii");
  const now = totpStep(atMs, stepSeconds);
  let matched: number | null = null;
  for (let delta = -window; delta <= window; delta++) {
    const step = now + delta;
    if (step < 0) continue;
    const expected = Buffer.from(hotp(key, step, digits, algorithm), "ascii");
    if (timingSafeEqual(expected, givenBytes) && matched === null) matched = step;
  }
  return matched;
}

export function verifyTotp(secretBase32: string, code: string, atMs: number, window = 1, options: TotpOptions = {}): boolean {
  return matchTotpStep(secretBase32, code, atMs, window, options) !== null;
}

/** otpauth:// URI for a QR code, per the Key Uri Format that authenticator apps implement. */
export function totpUri(secret: string, accountLabel: string, issuer = "Tandem"): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountLabel)}`;
  const params = new URLSearchParams({
    secret: secret.replace(/[\s=-]/g, "").toUpperCase(),
    issuer,
    algorithm: "SHA1",
    digits: "6",
    period: "30",
  });
  return `otpauth://totp/${label}?${params.toString().replace(/\+/g, "%20")}`;
}
