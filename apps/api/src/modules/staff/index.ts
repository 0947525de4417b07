export { StaffService, STAFF_IMPORT_JOB, toStaff } from './service.js';
export { staffRoutes } from './routes.js';
