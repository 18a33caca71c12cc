import path from "node:path";
import { sql } from "kysely";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";

// db/schema.ts says the migrations are the source of truth and the table types in db/tables/ follow
// them by hand. This test holds the hand to it: it migrates a throwaway database, reads every table's
// columns from information_schema, reads the `Database` interface with the TypeScript compiler, and
// asks that both name the same tables and columns, with the same nullability and broad type.

/** Kysely's own bookkeeping: no query of ours reads them. */
const BOOKKEEPING_TABLES = new Set(["kysely_migration", "kysely_migration_lock"]);

/**
 * The broad type a column's value has in JavaScript once read: what the pg and PGlite drivers give,
 * with db/index.ts's parsers (DATE stays a 'YYYY-MM-DD' string, int8 becomes a number).
 */
type Kind = "text" | "number" | "boolean" | "timestamp" | "json" | `${"text" | "number" | "boolean" | "timestamp" | "json"}[]`;

interface ColumnShape {
  kind: Kind | "unknown";
  nullable: boolean;
}

type TableShapes = Map<string, Map<string, ColumnShape>>;

const PG_KINDS: Record<string, Kind> = {
  text: "text",
  "character varying": "text",
  character: "text",
  uuid: "text",
  date: "text",
  "USER-DEFINED": "text",
  smallint: "number",
  integer: "number",
  bigint: "number",
  real: "number",
  "double precision": "number",
  boolean: "boolean",
  "timestamp with time zone": "timestamp",
  "timestamp without time zone": "timestamp",
  json: "json",
  jsonb: "json",
};

const PG_ARRAY_ELEMENTS: Record<string, Kind> = {
  _text: "text",
  _varchar: "text",
  _uuid: "text",
  _date: "text",
  _int2: "number",
  _int4: "number",
  _int8: "number",
  _float4: "number",
  _float8: "number",
  _numeric: "number",
  _bool: "boolean",
  _timestamptz: "timestamp",
  _jsonb: "json",
};

async function databaseShapes(database: TestDatabase): Promise<TableShapes> {
  const { rows } = await sql<{ table_name: string; column_name: string; is_nullable: string; data_type: string; udt_name: string }>`
    select c.table_name, c.column_name, c.is_nullable, c.data_type, c.udt_name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position
  `.execute(database.db);
  const shapes: TableShapes = new Map();
  for (const row of rows) {
    if (BOOKKEEPING_TABLES.has(row.table_name)) continue;
    let kind: Kind | undefined;
    if (row.data_type === "ARRAY") {
      const element = PG_ARRAY_ELEMENTS[row.udt_name];
      kind = element ? (`${element}[]` as Kind) : undefined;
    } else {
      kind = PG_KINDS[row.data_type];
    }
    if (!kind)
      throw new Error(`${row.table_name}.${row.column_name}: no broad type for ${row.data_type} (${row.udt_name}); add it to this test`);
    const columns = shapes.get(row.table_name) ?? new Map<string, ColumnShape>();
    columns.set(row.column_name, { kind, nullable: row.is_nullable === "YES" });
    shapes.set(row.table_name, columns);
  }
  return shapes;
}

/** The tables and columns of `Database` in db/schema.ts, as the compiler sees them (extends, intersections and all). */
function typeScriptShapes(): TableShapes {
  const schemaFile = path.resolve("db/schema.ts");
  const program = ts.createProgram([schemaFile], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(schemaFile);
  if (!source) throw new Error("db/schema.ts not found");
  const database = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "Database");
  if (!database) throw new Error("db/schema.ts has no `interface Database`");

  const shapes: TableShapes = new Map();
  for (const table of checker.getPropertiesOfType(checker.getTypeAtLocation(database))) {
    const tableType = checker.getTypeOfSymbolAtLocation(table, database);
    const columns = new Map<string, ColumnShape>();
    for (const column of checker.getPropertiesOfType(tableType)) {
      let type = checker.getTypeOfSymbolAtLocation(column, database);
      // ColumnType<S, I, U> (and Generated, JSONColumnType) is { __select__: S, … }: S is what a read gives.
      const select = type.getProperty("__select__");
      if (select) type = checker.getTypeOfSymbolAtLocation(select, database);
      columns.set(column.name, typeShape(checker, type, `${table.name}.${column.name}`));
    }
    shapes.set(table.name, columns);
  }
  return shapes;
}

function typeShape(checker: ts.TypeChecker, type: ts.Type, where: string): ColumnShape {
  if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return { kind: "unknown", nullable: true };
  const members = type.isUnion() ? type.types : [type];
  const nullable = members.some((m) => m.flags & ts.TypeFlags.Null);
  const kinds = new Set(
    members.filter((m) => !(m.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined))).map((m) => memberKind(checker, m, where)),
  );
  const [kind, ...others] = kinds;
  if (!kind || others.length > 0)
    throw new Error(`${where}: its type ${checker.typeToString(type)} is not one broad type (${[...kinds].join(", ")})`);
  return { kind, nullable };
}

function memberKind(checker: ts.TypeChecker, type: ts.Type, where: string): Kind {
  if (type.flags & ts.TypeFlags.StringLike) return "text";
  if (type.flags & ts.TypeFlags.NumberLike) return "number";
  if (type.flags & ts.TypeFlags.BooleanLike) return "boolean";
  if (type.getSymbol()?.name === "Date") return "timestamp";
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    if (!element) throw new Error(`${where}: an array without an element type`);
    const shape = typeShape(checker, element, `${where}[]`);
    return `${shape.kind === "unknown" || shape.kind.endsWith("[]") ? "json" : shape.kind}[]` as Kind;
  }
  if (type.flags & ts.TypeFlags.Object) return "json";
  throw new Error(`${where}: no broad type for ${checker.typeToString(type)}`);
}

/** Whether a column typed `typed` in db/tables/ can hold what the database gives for a column shaped `db`. */
function mismatch(db: ColumnShape, typed: ColumnShape): string | undefined {
  if (db.kind === "json") {
    // A json(b) value arrives parsed: an object, an array, or anything (`unknown`) are all honest types.
    if (!(typed.kind === "json" || typed.kind === "unknown" || typed.kind.endsWith("[]")))
      return `json in the database, ${typed.kind} in TypeScript`;
  } else if (db.kind !== typed.kind) {
    return `${db.kind} in the database, ${typed.kind} in TypeScript`;
  }
  // `unknown` already admits null; otherwise a nullable column needs `| null` and a not-null one must not have it.
  if (typed.kind !== "unknown" && db.nullable !== typed.nullable) {
    return db.nullable ? "nullable in the database, not null in TypeScript" : "not null in the database, nullable in TypeScript";
  }
  return undefined;
}

function compareShapes(database: TableShapes, typescript: TableShapes): string[] {
  const problems: string[] = [];
  for (const table of database.keys())
    if (!typescript.has(table)) problems.push(`${table}: a table in the database without an interface in db/tables/`);
  for (const table of typescript.keys())
    if (!database.has(table)) problems.push(`${table}: an interface in db/tables/ without a table in the database`);
  for (const [table, dbColumns] of database) {
    const tsColumns = typescript.get(table);
    if (!tsColumns) continue;
    for (const column of dbColumns.keys())
      if (!tsColumns.has(column)) problems.push(`${table}.${column}: a column in the database, missing in db/tables/`);
    for (const column of tsColumns.keys())
      if (!dbColumns.has(column)) problems.push(`${table}.${column}: in db/tables/, not a column in the database`);
    for (const [column, dbShape] of dbColumns) {
      const tsShape = tsColumns.get(column);
      const problem = tsShape && mismatch(dbShape, tsShape);
      if (problem) problems.push(`${table}.${column}: ${problem}`);
    }
  }
  return problems;
}

describe("the hand-kept table types in db/tables/ follow the migrations", () => {
  let database: TestDatabase;
  let fromDatabase: TableShapes;
  let fromTypeScript: TableShapes;

  beforeAll(async () => {
    database = await createTestDatabase();
    fromDatabase = await databaseShapes(database);
    fromTypeScript = typeScriptShapes();
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it("reads both sides", () => {
    // Guards against a vacuous pass: a broken query or compiler setup would find no tables at all.
    expect(fromDatabase.size).toBeGreaterThan(30);
    expect(fromTypeScript.get("participant")?.get("code_hash")).toEqual({ kind: "text", nullable: false });
    expect(fromDatabase.get("participant")?.get("code_hash")).toEqual({ kind: "text", nullable: false });
  });

  it("names the same tables and columns, with the same nullability and broad type", () => {
    expect(compareShapes(fromDatabase, fromTypeScript)).toEqual([]);
  });

  it("notices a column the types leave out, one they invent, and a nullability that differs", () => {
    const columns = (entries: [string, ColumnShape][]) => new Map(entries);
    const db: TableShapes = new Map([
      [
        "t",
        columns([
          ["a", { kind: "text", nullable: false }],
          ["b", { kind: "number", nullable: true }],
        ]),
      ],
    ]);
    const typed: TableShapes = new Map([
      [
        "t",
        columns([
          ["a", { kind: "text", nullable: true }],
          ["c", { kind: "boolean", nullable: false }],
        ]),
      ],
    ]);
    expect(compareShapes(db, typed)).toEqual([
      "t.b: a column in the database, missing in db/tables/",
      "t.c: in db/tables/, not a column in the database",
      "t.a: not null in the database, nullable in TypeScript",
    ]);
  });
});
