declare module '*.po' {
  /** Messages precompiled for @lingui/core by the Vite plugin in vite.config.ts. */
  const messages: Record<string, unknown>;
  export default messages;
}
