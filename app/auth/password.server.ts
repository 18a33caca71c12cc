/**
 * Staff passwords. Hashing follows the OWASP Password Storage Cheat Sheet minimum for Argon2id:
 * m = 19456 KiB (19 MiB), t = 2, p = 1. With 2 cores per machine this costs ~30-60 ms per login,
 * which keeps offline guessing of a stolen database slow without letting login be a DoS lever.
 *
 * Rules follow NIST SP 800-63B §3.1.1.2 and the NCSC: a length minimum (12, above NIST's 8 because
 * these accounts reach data about people who sought sanctuary), a block-list of common passwords,
 * and no composition rules or expiry. Passwords are kept exactly as typed: no trimming and no
 * Unicode normalisation, so what a person typed is what is hashed (a password typed with a
 * decomposed "ŵ" on one device and a precomposed one on another will not match; that is accepted).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import argon2 from "argon2";

export const ARGON2_PARAMETERS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const MINIMUM_PASSWORD_LENGTH = 12;

export type PasswordProblem = "too_short" | "too_common" | "contains_email";

export async function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, { type: argon2.argon2id, ...ARGON2_PARAMETERS });
}

/** False for a wrong password and for anything that is not a hash we can read; never throws. */
export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, plain);
  } catch {
    return false;
  }
}

export interface Argon2Parameters {
  algorithm: string;
  version: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * Reads a PHC string such as `$argon2id$v=19$m=19456,p=1,t=2$salt$hash` (node-argon2 writes the
 * parameters in alphabetical order; others write m,t,p), or null if it is not one.
 */
export function parseArgon2Hash(hash: string): Argon2Parameters | null {
  const match = /^\$(argon2(?:id|i|d))\$v=(\d+)\$([a-z]=\d+(?:,[a-z]=\d+)*)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(hash);
  if (!match) return null;
  const [, algorithm, version, list] = match;
  const params = new Map(list!.split(",").map((pair) => [pair[0]!, Number(pair.slice(2))] as const));
  const m = params.get("m");
  const t = params.get("t");
  const p = params.get("p");
  if (m === undefined || t === undefined || p === undefined) return null;
  return { algorithm: algorithm!, version: Number(version), memoryCost: m, timeCost: t, parallelism: p };
}

/** True when a stored hash is weaker than today's parameters: rehash it after the next good login. */
export function passwordNeedsRehash(hash: string): boolean {
  const p = parseArgon2Hash(hash);
  return (
    p === null ||
    p.algorithm !== "argon2id" ||
    p.version < 19 ||
    p.memoryCost < ARGON2_PARAMETERS.memoryCost ||
    p.timeCost < ARGON2_PARAMETERS.timeCost ||
    p.parallelism < ARGON2_PARAMETERS.parallelism
  );
}

let commonPasswords: Set<string> | null = null;

function listFile(): string {
  const candidates = [
    // Running from source (tests, tsx scripts).
    fileURLToPath(new URL("./common-passwords.txt", import.meta.url)),
    // Running from the Remix server bundle (build/), where import.meta.url no longer points at app/.
    path.join(process.cwd(), "app", "auth", "common-passwords.txt"),
  ];
  const found = candidates.find((file) => existsSync(file));
  // Fail closed: silently accepting "password1234" because a file went missing is worse than an error.
  if (!found) throw new Error(`common password list not found (looked in ${candidates.join(", ")})`);
  return found;
}

/** The block-list, lower-cased. Loaded once; pass a file to use another list. */
export function loadCommonPasswords(file?: string): Set<string> {
  if (file === undefined && commonPasswords) return commonPasswords;
  const text = readFileSync(file ?? listFile(), "utf8");
  const set = new Set(
    text
      .split(/\r?\n/)
      .filter((line) => line !== "")
      .map((line) => line.toLowerCase()),
  );
  if (file === undefined) commonPasswords = set;
  return set;
}

function isCommon(plain: string, list: Set<string>): boolean {
  const lower = plain.toLowerCase();
  if (list.has(lower)) return true;
  // "monkey123456!" and "Password2024!!" are a listed password with the digits and symbols that
  // policies push people to add; attackers' rule sets try exactly these first.
  const base = lower.replace(/[\p{N}\p{P}\p{S}\s]+$/u, "");
  if (base !== "" && base !== lower && list.has(base)) return true;
  // A short unit or a listed password repeated to reach the length ("abcabcabcabc", "passwordpassword").
  const repeated = /^(.+?)\1+$/u.exec(lower);
  if (repeated && ([...repeated[1]!].length <= 3 || list.has(repeated[1]!))) return true;
  return false;
}

/**
 * Why a new password would be refused, in the order to show them; empty when it is acceptable.
 * Length counts Unicode code points, so "كلمة" is 4 and an emoji is 1, as a person would count.
 * `contains_email` catches the whole address and its local part (when 4+ characters), since
 * both are the first guesses of anyone who knows who the account belongs to.
 */
export function passwordProblems(plain: string, context: { email?: string } = {}): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if ([...plain].length < MINIMUM_PASSWORD_LENGTH) problems.push("too_short");
  if (isCommon(plain, loadCommonPasswords())) problems.push("too_common");
  const email = context.email?.trim().toLowerCase();
  if (email) {
    const lower = plain.toLowerCase();
    const local = email.split("@")[0] ?? "";
    if (lower.includes(email) || ([...local].length >= 4 && lower.includes(local))) problems.push("contains_email");
  }
  return problems;
}
