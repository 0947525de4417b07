declare module '*.po' {
  /** Messages precompiled for @lingui/core by the Vite plugin in vite.config.ts. */
  const messages: Record<string, unknown>;
  export default messages;
}

declare module '*.po?part=staff' {
  /** The staff part of a catalogue (see vite.config.ts). */
  const messages: Record<string, unknown>;
  export default messages;
}

declare module '*.po?part=site' {
  /** The prerendered public pages' part of a catalogue (see vite.config.ts). */
  const messages: Record<string, unknown>;
  export default messages;
}

declare module '*.po?part=app' {
  /** The field and account pages' part of a catalogue (see vite.config.ts). */
  const messages: Record<string, unknown>;
  export default messages;
}
