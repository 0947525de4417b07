export { recordAudit, type AuditEntry } from './service.js';
