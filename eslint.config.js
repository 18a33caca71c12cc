// Lint: ESLint's and typescript-eslint's recommended rules, the rules of hooks for React, and jsx-a11y
// for the accessibility of the markup (participants use screen readers, small phones and second
// languages). Run by `npm run lint` and by .ci/run. Where a rule is tuned or switched off, a line says why.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import jsxA11y from "eslint-plugin-jsx-a11y";

export default tseslint.config(
  { ignores: ["build/", "public/build/", ".cache/", ".data/", "node_modules/", "tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a name kept on purpose: a parameter a signature requires, or a
      // property taken out of an object so the rest can be passed on.
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Migrations take Kysely<any> (Kysely's own advice: a migration must not depend on today's schema);
    // the embedded storage and the PGlite dialect work on whatever tables exist, below the schema.
    files: ["db/migrations/**", "db/embedded-storage.ts", "db/pglite-dialect.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // The one script served to browsers as written: ES5 for old phones, so `catch (e)` keeps its binding.
    files: ["public/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: {
        document: "readonly",
        location: "readonly",
        addEventListener: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-unused-vars": ["error", { caughtErrors: "none" }] },
  },
  {
    // Cody's normal-CDF coefficients are copied with every published digit, as R has them.
    files: ["app/wellbeing/statistics.ts"],
    rules: { "no-loss-of-precision": "off" },
  },
  {
    // Tests cut YAML with patterns that show its indentation as it is written.
    files: ["tests/**"],
    rules: { "no-regex-spaces": "off" },
  },
  { files: ["app/**/*.{ts,tsx}", "tests/**/*.tsx"], ...reactHooks.configs.flat.recommended },
  {
    // Recharts 3 draws nothing on the server, so the chart renders a plain SVG until it has hydrated;
    // setting state once in a mount effect is how a component learns that (ADR 042).
    files: ["app/coding/components/ThemeChart.tsx", "app/wellbeing/components/useHydrated.ts"],
    rules: { "react-hooks/set-state-in-effect": "off" },
  },
  { files: ["app/**/*.tsx", "tests/**/*.tsx"], ...jsxA11y.flatConfigs.recommended },
);
