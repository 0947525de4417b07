/**
 * Supervision: team dashboards and targets (routes.ts → service.ts), an enumerator's own progress,
 * messages between a supervisor and their enumerators, and the admin's landing overview. Owns
 * `enumerator_targets`, `messages` and `message_recipients`; reads submissions through the
 * submissions module's `SubmissionStats` and people through the auth module's `UserRepository`.
 */
export { SupervisionService } from './service.js';
export { SupervisionRepository } from './repository.js';
export { supervisionRoutes } from './routes.js';
export { calendarAt, type Calendar } from './calendar.js';
