export { ExportService, EXPORT_JOB, EXPORT_COLUMNS, MASKED, type ExportsConfig } from './service.js';
export { exportRoutes } from './routes.js';
export { defuse } from './writer.js';
