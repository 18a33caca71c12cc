/**
 * Record ids are UUIDs. An id from a form or an address that is not one names nothing we keep, so
 * lookups answer "not found" for it before asking the database, which would refuse the text with an
 * error (invalid input syntax for type uuid) and turn a typo or a tampered field into a 500.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}
