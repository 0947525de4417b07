export { ReportService, ensureRollups, recordRespondent, recordRespondents, rebuildRollups } from './service.js';
export { reportRoutes } from './routes.js';
