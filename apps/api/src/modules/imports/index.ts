export { ImportService, IMPORT_APPLY_JOB } from './service.js';
export { importRoutes } from './routes.js';
