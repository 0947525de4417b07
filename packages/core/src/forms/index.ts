export * from './schema.js';
export * from './expression.js';
export * from './engine.js';
