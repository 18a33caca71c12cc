/**
 * Participant codes: what a person who sought sanctuary writes down or reads aloud to come back,
 * withdraw, or change their quote consent. Nothing else identifies them to us, so the code must
 * survive being copied by hand, read over a phone line or typed on an Arabic keyboard.
 *
 * Format: 15 data characters + 1 check character from Crockford's base32 alphabet
 * (0-9 A-Z without I, L, O, U), shown as four groups of four: `XXXX-XXXX-XXXX-XXXX`.
 *
 * - 15 data characters × 5 bits = 75 bits from crypto.randomBytes. Guessing one live code among a
 *   million at 1,000 tries a second would take ~1.2 million years on average, so online guessing is
 *   hopeless even before rate limiting.
 * - Check character: NOT Crockford's mod-37 symbol. That scheme needs five extra symbols
 *   (`* ~ $ = U`) which appear in 5 of every 37 codes and are hard to read aloud, write by hand or
 *   find on a phone keyboard. Instead we use Damm's algorithm over the field GF(32)
 *   (x ∘ y = 2·x + y, modulus x⁵ + x² + 1), whose check character is drawn from the same 32-symbol
 *   alphabet. y ↦ 2x + y and x ↦ 2x + y are bijections, so any single substitution changes the
 *   result; and (c∘x)∘y = (c∘y)∘x ⇔ (2+1)(x+y) = 0 ⇔ x = y (total anti-symmetry, the property
 *   Damm's algorithm rests on), so any adjacent transposition of different characters, including
 *   with the check character, changes it too. tests/participants/code.test.ts checks this exhaustively.
 * - Reading forgives what Crockford forgives: case, O→0, I/L→1; plus spaces, dashes and other
 *   separators, full-width forms (NFKC) and Arabic-Indic digits. U is rejected (Crockford leaves it
 *   unmapped and it is easily an accidental V).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DATA_LENGTH = 15;
const CODE_LENGTH = DATA_LENGTH + 1;

const VALUE_OF = new Map<string, number>([...CODE_ALPHABET].map((c, i) => [c, i]));
// Crockford's decoding aliases: the letters people write when they mean the digit.
VALUE_OF.set("O", 0);
VALUE_OF.set("I", 1);
VALUE_OF.set("L", 1);

function symbol(value: number): string {
  const c = CODE_ALPHABET[value];
  if (c === undefined) throw new RangeError(`not a base32 value: ${value}`);
  return c;
}

/** Multiplication by 2 (the element x) in GF(2⁵) with primitive polynomial x⁵ + x² + 1. */
function times2(v: number): number {
  const shifted = v << 1;
  return shifted & 0b100000 ? shifted ^ 0b100101 : shifted;
}

/** Damm's interim value over GF(32): x ∘ y = 2x + y (addition in GF(2⁵) is XOR). */
function dammInterim(values: readonly number[]): number {
  let interim = 0;
  for (const v of values) interim = times2(interim) ^ v;
  return interim;
}

/** The check value that brings the Damm interim of data + check to zero. */
function checkValue(data: readonly number[]): number {
  return times2(dammInterim(data));
}

/** A new code from the CSPRNG, formatted `XXXX-XXXX-XXXX-XXXX`. */
export function generateParticipantCode(): string {
  // 32 divides 256, so the low five bits of each random byte are uniform: no modulo bias.
  const data = [...randomBytes(DATA_LENGTH)].map((b) => b & 31);
  const canonical = data.map(symbol).join("") + symbol(checkValue(data));
  return formatParticipantCode(canonical);
}

export type NormalisedCode = { ok: true; code: string } | { ok: false; reason: "length" | "characters" | "check" };

// What people put between groups: spaces of every kind, hyphens and dashes of every kind, dots,
// underscores, slashes, middle dots, and invisible marks that Arabic keyboards insert around digits.
const SEPARATORS = /[\s\p{Pd}._/\\·•|,:;\u060C\u200B-\u200F\u202A-\u202E\u2066-\u2069\u061C\uFEFF]/gu;

function asciiDigits(s: string): string {
  return s
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)) // Arabic-Indic
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0)); // Extended (Persian/Urdu)
}

/**
 * Reads a code as a person typed or spoke it. Returns the canonical 16-character form (no dashes)
 * or why it cannot be one: `characters` (something outside the alphabet, e.g. U), `length`, or
 * `check` (a typo: a wrong or swapped character).
 */
export function normaliseParticipantCode(input: string): NormalisedCode {
  const compact = asciiDigits(input.normalize("NFKC")).replace(SEPARATORS, "").toUpperCase();
  const values: number[] = [];
  for (const c of compact) {
    const v = VALUE_OF.get(c);
    if (v === undefined) return { ok: false, reason: "characters" };
    values.push(v);
  }
  if (values.length !== CODE_LENGTH) return { ok: false, reason: "length" };
  if (dammInterim(values) !== 0) return { ok: false, reason: "check" };
  return { ok: true, code: values.map(symbol).join("") };
}

function assertCanonical(canonical: string): void {
  if (canonical.length !== CODE_LENGTH || [...canonical].some((c) => !CODE_ALPHABET.includes(c))) {
    throw new TypeError("expected a canonical participant code (16 characters, no separators): normalise it first");
  }
}

/** `0123456789ABCDEF` → `0123-4567-89AB-CDEF`. Throws on anything that is not canonical. */
export function formatParticipantCode(canonical: string): string {
  assertCanonical(canonical);
  return canonical.match(/.{4}/g)!.join("-");
}

/**
 * The value to store and look codes up by: HMAC-SHA256 (hex) under a server secret, so that a
 * database dump alone does not let anyone test guesses offline. The key should be 32 random bytes
 * (or a string of at least 32 characters) kept outside the database; shorter keys are refused.
 * Only canonical codes are accepted so every caller hashes the same string.
 */
export function hashParticipantCode(canonical: string, key: Buffer | string): string {
  assertCanonical(canonical);
  const keyLength = typeof key === "string" ? Buffer.byteLength(key, "utf8") : key.length;
  if (keyLength < 32) throw new RangeError("participant code HMAC key must be at least 32 bytes");
  return createHmac("sha256", key).update(canonical, "utf8").digest("hex");
}

/** A fresh browser token for sealCode: 32 random bytes, base64url (43 characters), cookie-safe. */
export function generateSealToken(): string {
  return randomBytes(32).toString("base64url");
}

const SEAL_VERSION = "v1";
const SEAL_INFO = Buffer.from("tandem/participant-code-seal/v1", "utf8");
const SALT_BYTES = 16;
const IV_BYTES = 12; // NIST SP 800-38D recommended GCM nonce length
const TAG_BYTES = 16;

function tokenBytes(token: Buffer | string): Buffer {
  const bytes = typeof token === "string" ? Buffer.from(token, "utf8") : token;
  // A guessable token would let whoever holds the sealed blob (e.g. a database dump) recover the code.
  if (bytes.length < 16) throw new RangeError("seal token must carry at least 128 bits");
  return bytes;
}

function sealKey(token: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", token, salt, SEAL_INFO, 32));
}

/**
 * Encrypts a participant code so it can be shown again only to the browser holding `token` (a
 * random cookie value, see generateSealToken). AES-256-GCM under a key derived with HKDF-SHA256
 * from the token and a fresh random salt. `context` (e.g. the study id) is bound as associated data:
 * a sealed value copied to another context will not open. Output: `v1.<base64url(salt|iv|tag|ct)>`.
 * The sealed value stores the canonical code; format it for display.
 */
export function sealCode(code: string, token: Buffer | string, context = ""): string {
  const normalised = normaliseParticipantCode(code);
  if (!normalised.ok) throw new TypeError(`cannot seal an invalid participant code (${normalised.reason})`);
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", sealKey(tokenBytes(token), salt), iv);
  cipher.setAAD(Buffer.from(`${SEAL_VERSION}\u0000${context}`, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(normalised.code, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${SEAL_VERSION}.${Buffer.concat([salt, iv, tag, ciphertext]).toString("base64url")}`;
}

/** The canonical code, or null if the value was tampered with, the token or context is wrong, or it is malformed. */
export function unsealCode(sealed: string, token: Buffer | string, context = ""): string | null {
  try {
    const [version, body, ...rest] = sealed.split(".");
    if (version !== SEAL_VERSION || body === undefined || rest.length > 0) return null;
    if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
    const bytes = Buffer.from(body, "base64url");
    if (bytes.length <= SALT_BYTES + IV_BYTES + TAG_BYTES) return null;
    const salt = bytes.subarray(0, SALT_BYTES);
    const iv = bytes.subarray(SALT_BYTES, SALT_BYTES + IV_BYTES);
    const tag = bytes.subarray(SALT_BYTES + IV_BYTES, SALT_BYTES + IV_BYTES + TAG_BYTES);
    const ciphertext = bytes.subarray(SALT_BYTES + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", sealKey(tokenBytes(token), salt), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${SEAL_VERSION}\u0000${context}`, "utf8"));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
    const normalised = normaliseParticipantCode(plain);
    return normalised.ok && normalised.code === plain ? plain : null;
  } catch {
    return null;
  }
}
