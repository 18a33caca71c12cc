/** @type {import('@remix-run/dev').AppConfig} */
export default {
  // The classic compiler, as the stack decision records (README.md, "Stack"; docs/decisions/001-server-and-context.md).
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
  },
};
