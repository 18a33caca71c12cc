// The Atom feed counts people per theme through the consent gate once per study for the whole feed,
// not once per entry, and never keeps a count from one request to the next.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { atomFeed } from "../../app/report-back/feed.server";
import { themeCounts } from "../../app/coding/theme-views.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { withdraw } from "../coding/fixtures";
import { createReportBackFixture, publishedEntry, type ReportBackFixture } from "./fixtures";

// the real gated count, watched: how often is it asked for?
vi.mock("../../app/coding/theme-views.server", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../app/coding/theme-views.server")>();
  return { ...actual, themeCounts: vi.fn(actual.themeCounts) };
});

let t: TestDatabase;
let fx: ReportBackFixture;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createReportBackFixture(t.db);
  for (const slug of ["one", "two", "three"]) await publishedEntry(t.db, fx, slug);
});
afterAll(() => t?.destroy());

const feed = () => atomFeed(t.db, { id: fx.scope.organisationId, slug: fx.orgSlug, name: "Org" }, "http://127.0.0.1", "en");
const counted = vi.mocked(themeCounts);

describe("the feed's counts of people", () => {
  it("are counted through the gate once per study, however many of its entries the feed shows", async () => {
    counted.mockClear();
    const xml = await feed();
    expect(xml.match(/<entry /g)).toHaveLength(3);
    expect(xml.match(/&gt;6 people raised this/g)).toHaveLength(3);
    expect(counted).toHaveBeenCalledTimes(1);
    expect(counted.mock.calls[0]![1]).toEqual(fx.scope);
  });

  it("are counted again on the next request, so a withdrawal changes every entry at once", async () => {
    await withdraw(t.db, fx.quotedParticipant, "erase");
    counted.mockClear();
    const xml = await feed();
    expect(xml).not.toContain("6 people raised this");
    expect(xml.match(/&gt;5 people raised this/g)).toHaveLength(3);
    expect(counted).toHaveBeenCalledTimes(1);
  });
});
