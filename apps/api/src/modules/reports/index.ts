export { ReportService, recordRespondent, rebuildRollups } from './service.js';
export { reportRoutes } from './routes.js';
