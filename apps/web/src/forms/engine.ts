// The one place the web app takes the questionnaire engine from: the same code the API validates with.
export {
  analyzeForm,
  compileForm,
  ExpressionError,
  FormInvalidError,
  MAX_REPEAT_INSTANCES,
  MEDIA_TYPES,
  METADATA_TYPES,
  NAME_PATTERN,
  parseExpression,
  QUESTION_TYPES,
  SELECT_TYPES,
} from '@oslrs/core';
export type {
  Answers,
  AnswerValue,
  Choice,
  CompiledForm,
  FieldError,
  FormSchema,
  FormState,
  GeoPoint,
  InstanceState,
  Question,
  QuestionType,
  Section,
} from '@oslrs/core';
