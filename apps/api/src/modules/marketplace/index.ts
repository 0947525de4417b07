export {
  MarketplaceService,
  syncProfile,
  listProfiles,
  noteProfessions,
  ensureProfiles,
  profileValues,
  profileSearchText,
  publicProfile,
  lagosDayStart,
  type ContactPort,
  type MarketplaceConfig,
  type MarketplaceSubject,
  type ReadPort,
} from './service.js';
export { marketplaceRoutes } from './routes.js';
