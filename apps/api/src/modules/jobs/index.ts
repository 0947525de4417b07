export { HOUSEKEEPING_EVERY_MS, JobsService, defineJob, toJob, type JobType, type JobRow } from './service.js';
export { jobRoutes } from './routes.js';
