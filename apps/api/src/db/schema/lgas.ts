import { pgTable, text } from 'drizzle-orm/pg-core';

export const lgas = pgTable('lgas', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
});
