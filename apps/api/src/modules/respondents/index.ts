export {
  RespondentService,
  respondentFields,
  scanDuplicates,
  reportSubject,
  marketplaceSubject,
  syncMarketplace,
  type CreateOutcome,
  type NinHolder,
  type NinRegistry,
  type RespondentFields,
  type ImportedPerson,
  nameKeyOf,
} from './service.js';
export {
  RespondentRepository,
  type DueConfirmation,
  type RespondentRow,
  type RespondentExportFilter,
  type RespondentExportRow,
} from './repository.js';
export { respondentRoutes } from './routes.js';
export { rotateRespondents, sealLegacyRespondents } from './pii-maintenance.js';
export { RegistryService, type OversightConfig, type SubmissionsPort } from './oversight.js';
export { SelfService, type OwnSubmissionsPort } from './self-service.js';
