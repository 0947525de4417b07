export { DocumentService, MAX_CARDS_PER_PDF, registrationCheckUrl } from './service.js';
export { RegistrationConfirmations, CONFIRMATION_WINDOW_MS, type ConfirmationRun } from './confirmations.js';
export { documentRoutes } from './routes.js';
/** For other modules' printouts (the reports summary): the same fonts, shaping and language. */
export { newDocument as newPdfDocument, finish as finishPdf, KEEP_LETTERS } from './pdf.js';
export { localeOf, textsFor as documentTexts, type Texts as DocumentTexts } from '../../i18n/texts.js';
