import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  hashPassword,
  loadCommonPasswords,
  parseArgon2Hash,
  passwordNeedsRehash,
  passwordProblems,
  verifyPassword,
} from "~/auth/password.server";

describe("hashPassword / verifyPassword", () => {
  it("stores argon2id with the OWASP parameters m=19456 KiB, t=2, p=1 and a random salt", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(parseArgon2Hash(hash)).toEqual({ algorithm: "argon2id", version: 19, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(await hashPassword("correct horse battery staple")).not.toBe(hash);
    expect(passwordNeedsRehash(hash)).toBe(false);
  });

  it("lets the right password in and keeps a wrong one out", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(hash, "Correct horse battery staple")).toBe(false);
    expect(await verifyPassword(hash, "")).toBe(false);
  });

  it("keeps the password exactly as typed: spaces count and nothing is normalised", async () => {
    const typed = " ŵyr bach yn y ddinas ";
    const hash = await hashPassword(typed);
    expect(await verifyPassword(hash, typed)).toBe(true);
    expect(await verifyPassword(hash, typed.trim())).toBe(false);
    expect(await verifyPassword(hash, typed.normalize("NFD"))).toBe(false);
  });

  it("works for Arabic and emoji passwords", async () => {
    const typed = "كلمة سر طويلة جدا 🌙";
    expect(await verifyPassword(await hashPassword(typed), typed)).toBe(true);
  });

  it("says no, without throwing, for a hash it cannot read", async () => {
    expect(await verifyPassword("not a hash", "whatever")).toBe(false);
    expect(await verifyPassword("", "whatever")).toBe(false);
  });

  it("asks for a rehash of weaker or foreign hashes", () => {
    expect(passwordNeedsRehash("$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo")).toBe(true);
    expect(passwordNeedsRehash("$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo")).toBe(true);
    expect(passwordNeedsRehash("$2b$12$abcdefghijklmnopqrstuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu")).toBe(true);
    expect(parseArgon2Hash("$2b$12$abc")).toBeNull();
    expect(parseArgon2Hash("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo")).toEqual({
      algorithm: "argon2id",
      version: 19,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    });
  });
});

describe("passwordProblems", () => {
  it("accepts a long passphrase", () => {
    expect(passwordProblems("river otter marmalade lamp")).toEqual([]);
    expect(passwordProblems("Bore da o Gaerdydd ŵ ŷ")).toEqual([]);
  });

  it("needs 12 characters, counted as a person counts them (code points)", () => {
    expect(passwordProblems("a9$kQ2!zP0x")).toEqual(["too_short"]); // 11
    expect(passwordProblems("a9$kQ2!zP0xM")).toEqual([]); // 12
    // 11 emoji are 22 UTF-16 units but 11 characters.
    expect(passwordProblems("🌙".repeat(5) + "🌟🌿🍋🐢🦉🎈")).toEqual(["too_short"]);
    expect(passwordProblems("🌙🌟🌿🍋🐢🦉🎈🌻🍄🐙🦋🎻")).toEqual([]);
    // Arabic letters count one each.
    expect(passwordProblems("سلام عليكم")).toContain("too_short");
    expect(passwordProblems("حديقة البرتقال الصغيرة")).toEqual([]);
  });

  it("does not trim: spaces typed at either end count towards the length", () => {
    expect(passwordProblems("  zq8#wplr9  ")).toEqual([]);
    expect(passwordProblems("zq8#wplr9")).toEqual(["too_short"]);
  });

  it("refuses common passwords whatever their case", () => {
    for (const p of ["password1234", "PASSWORD1234", "QwertyUiop123", "1q2w3e4r5t6y", "leavemealone", "123456789012"]) {
      expect(passwordProblems(p), p).toContain("too_common");
    }
  });

  it("refuses a common password with digits or symbols bolted on, or repeated", () => {
    for (const p of ["monkey123456!", "Sunshine2024!!", "trustno1trustno1", "passwordpassword", "aaaaaaaaaaaa", "abcabcabcabc"]) {
      expect(passwordProblems(p), p).toContain("too_common");
    }
    expect(passwordProblems("12345")).toEqual(["too_short", "too_common"]);
  });

  it("refuses a password containing the person's e-mail address or its name part", () => {
    expect(passwordProblems("amira.hassan@example.org!", { email: "Amira.Hassan@example.org" })).toEqual(["contains_email"]);
    expect(passwordProblems("AMIRA.HASSAN rocks 2025", { email: "amira.hassan@example.org" })).toEqual(["contains_email"]);
    expect(passwordProblems("river otter marmalade lamp", { email: "amira.hassan@example.org" })).toEqual([]);
    // Very short local parts would refuse too much ("jo" is in many words).
    expect(passwordProblems("enjoy the long journey", { email: "jo@example.org" })).toEqual([]);
  });

  it("ships a list of at least 10,000 common passwords", () => {
    const list = loadCommonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    expect(list.has("123456")).toBe(true);
    expect(list.has("password")).toBe(true);
  });

  it("can read another list, case-insensitively", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pw-"));
    const file = path.join(dir, "list.txt");
    writeFileSync(file, "Tandem2025\r\nhello\n\n");
    expect(loadCommonPasswords(file)).toEqual(new Set(["tandem2025", "hello"]));
  });
});
