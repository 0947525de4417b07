export { auditActivity, auditTrail, countRecentAudits, recordAudit, type AuditEntry } from './service.js';
export { AuditViewer } from './viewer.js';
export { auditRoutes } from './routes.js';
