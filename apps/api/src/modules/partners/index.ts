export { PartnerService, type CachedKey, type PartnerCaller } from './service.js';
export { partnerKeyRoutes, partnerRoutes } from './routes.js';
