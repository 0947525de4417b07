export {
  RespondentService,
  respondentFields,
  scanDuplicates,
  type CreateOutcome,
  type NinHolder,
  type NinRegistry,
  type RespondentFields,
} from './service.js';
export { RespondentRepository, type RespondentRow } from './repository.js';
export { respondentRoutes } from './routes.js';
export { RegistryService, type OversightConfig, type SubmissionsPort } from './oversight.js';
