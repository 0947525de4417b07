export { auditActivity, auditTrail, countRecentAudits, recordAudit, recordAudits, type AuditEntry } from './service.js';
export { AuditViewer } from './viewer.js';
export { auditRoutes } from './routes.js';
