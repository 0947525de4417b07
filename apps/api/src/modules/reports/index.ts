export { ReportService, ensureRollups, recordRespondent, rebuildRollups } from './service.js';
export { reportRoutes } from './routes.js';
