export * from './roles.js';
export * from './lgas.js';
export * from './identity.js';
export * from './dto/common.js';
export * from './dto/auth.js';
export * from './dto/staff.js';
export * from './dto/jobs.js';
