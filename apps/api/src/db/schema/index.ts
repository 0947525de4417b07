export * from './lgas.js';
export * from './users.js';
export * from './sessions.js';
export * from './audit.js';
export * from './jobs.js';
export * from './mail.js';
export * from './questionnaires.js';
