export { QuestionnaireService } from './service.js';
export { questionnaireRoutes } from './routes.js';
export { VersionCache, type LoadedVersion } from './compiled.js';
export { respondentFieldName } from './mapping.js';
export { PackageProblem, countValueRows, inspectXlsxPackage, worksheetParts } from './xlsform-zip.js';
