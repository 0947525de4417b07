import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { FormSchema } from '@oslrs/core';

/** A questionnaire: an editable draft plus its numbered, immutable published versions. */
export const questionnaires = pgTable(
  'questionnaires',
  {
    id: uuid('id').primaryKey(),
    formId: text('form_id').notNull(),
    title: text('title').notNull(),
    status: text('status').notNull().default('draft'),
    draft: jsonb('draft').$type<FormSchema>().notNull(),
    latestVersion: integer('latest_version'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One live questionnaire per XLSForm form_id, so an import knows which draft it replaces.
    uniqueIndex('questionnaires_form_id_live_uq')
      .on(t.formId)
      .where(sql`${t.status} <> 'archived'`),
    check('questionnaires_status_ck', sql`${t.status} in ('draft', 'published', 'archived')`),
  ],
);

/** Published versions never change: a trigger (migration 0005) refuses UPDATE and DELETE. */
export const questionnaireVersions = pgTable(
  'questionnaire_versions',
  {
    id: uuid('id').primaryKey(),
    questionnaireId: uuid('questionnaire_id')
      .notNull()
      .references(() => questionnaires.id),
    version: integer('version').notNull(),
    form: jsonb('form').$type<FormSchema>().notNull(),
    /** Content hash of the form as served: the strong ETag of the schema endpoint. */
    hash: text('hash').notNull(),
    publishedBy: uuid('published_by'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('questionnaire_versions_uq').on(t.questionnaireId, t.version)],
);

/** Registry-wide settings, one JSON value per key (e.g. which questionnaire each channel uses). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
