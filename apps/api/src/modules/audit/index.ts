export { countRecentAudits, recordAudit, type AuditEntry } from './service.js';
