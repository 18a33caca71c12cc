/**
 * What coding applies to: a unit, either a transcript segment or one free-text answer (a response
 * and an item), named by a short key that travels in forms, addresses and exports.
 */
import { isUuid } from "../security/ids";

export type UnitKey = string;
export type UnitRef = { kind: "segment"; segmentId: string } | { kind: "answer"; responseId: string; itemId: string };

export function unitKey(ref: UnitRef): UnitKey {
  return ref.kind === "segment" ? `s:${ref.segmentId}` : `a:${ref.responseId}:${ref.itemId}`;
}

export function parseUnitKey(key: string): UnitRef | null {
  // The id part must be a UUID, not only UUID-shaped: the database refuses anything else with an error.
  const s = /^s:([0-9a-f-]{36})$/i.exec(key);
  if (s && isUuid(s[1])) return { kind: "segment", segmentId: s[1]!.toLowerCase() };
  const a = /^a:([0-9a-f-]{36}):([a-z][a-z0-9_]*)$/i.exec(key);
  if (a && isUuid(a[1])) return { kind: "answer", responseId: a[1]!.toLowerCase(), itemId: a[2]! };
  return null;
}

/** Unit columns of a row (segment_id / response_id+item_id) as a key. */
export function rowUnitKey(row: { segment_id: string | null; response_id: string | null; item_id: string | null }): UnitKey {
  return row.segment_id ? `s:${row.segment_id}` : `a:${row.response_id}:${row.item_id}`;
}
