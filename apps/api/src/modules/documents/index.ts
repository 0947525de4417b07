export { DocumentService, MAX_CARDS_PER_PDF, registrationCheckUrl } from './service.js';
export { RegistrationConfirmations, CONFIRMATION_WINDOW_MS, type ConfirmationRun } from './confirmations.js';
export { documentRoutes } from './routes.js';
