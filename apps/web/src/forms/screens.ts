import type { ReactNode } from 'react';
import { isDisplayed } from './answers';
import type { FormSchema, Question, Section } from './engine';
import { allQuestions, type Level } from './level';

/**
 * One screen of a paged form: a question, a whole group or repeat, or every question of a
 * `field-list` section. `items` are shown in full (a group's or repeat's children with it).
 */
export interface Screen {
  /** The name the screen is known by (its first item's, or the field-list section's). */
  key: string;
  section: Section;
  items: Question[];
  /** Groups around the items, outermost first, when a group is paged question by question. */
  groups: Question[];
  /** Every question name on the screen, children included (to find a question, or its errors). */
  names: ReadonlySet<string>;
}

export const isFieldList = (x: { appearance?: string }): boolean =>
  (x.appearance ?? '').split(/\s+/).includes('field-list');

/** Whether a question is shown at this level (a group or repeat only when something in it is). */
export function isShown(
  q: Question,
  level: Pick<Level, 'values' | 'visibleQuestions'>,
  hiddenQuestions?: ReadonlySet<string>,
  renderExtra?: (question: Question) => ReactNode,
): boolean {
  if (!isDisplayed(q)) return false;
  // The engine never lists calculations as visible; a relevant one has a value.
  if (q.type === 'calculate' ? !Object.hasOwn(level.values, q.name) : !level.visibleQuestions.has(q.name)) return false;
  if (hiddenQuestions?.has(q.name) && renderExtra?.(q) == null) return false;
  if (q.type === 'group') return (q.questions ?? []).some((c) => isShown(c, level, hiddenQuestions, renderExtra));
  return true;
}

function screenOf(key: string, section: Section, items: Question[], groups: Question[]): Screen {
  const names = new Set([key]);
  for (const q of allQuestions(items)) names.add(q.name);
  return { key, section, items, groups, names };
}

/** The visible questions of each visible section, at the top level (groups and repeats whole). */
export function visibleItems(
  form: FormSchema,
  level: Level & { visibleSections: ReadonlySet<string> },
  hiddenQuestions?: ReadonlySet<string>,
  renderExtra?: (question: Question) => ReactNode,
): { section: Section; items: Question[] }[] {
  return form.sections
    .filter((section) => level.visibleSections.has(section.name))
    .map((section) => ({
      section,
      items: section.questions.filter((q) => isShown(q, level, hiddenQuestions, renderExtra)),
    }))
    .filter((s) => s.items.length > 0);
}

/**
 * The screens to page through now, in order: one per visible question; a `field-list` section or
 * group, and a repeat with all its instances, as one screen; a plain group's questions one by one.
 */
export function visibleScreens(
  form: FormSchema,
  level: Level & { visibleSections: ReadonlySet<string> },
  hiddenQuestions?: ReadonlySet<string>,
  renderExtra?: (question: Question) => ReactNode,
): Screen[] {
  const screens: Screen[] = [];
  function page(section: Section, q: Question, groups: Question[]) {
    if (q.type === 'group' && !isFieldList(q)) {
      for (const child of q.questions ?? [])
        if (isShown(child, level, hiddenQuestions, renderExtra)) page(section, child, [...groups, q]);
    } else screens.push(screenOf(q.name, section, [q], groups));
  }
  for (const { section, items } of visibleItems(form, level, hiddenQuestions, renderExtra)) {
    if (isFieldList(section)) screens.push(screenOf(section.name, section, items, []));
    else for (const q of items) page(section, q, []);
  }
  return screens;
}

/** The question name an error is about, at the top level: `household[2].age` → `household`. */
export function errorRoot(field: string): string {
  const bracket = field.indexOf('[');
  return bracket < 0 ? field : field.slice(0, bracket);
}

/** The question an error names, inside repeats too: `household[2].age` → `age`. */
export function errorLeaf(field: string): string {
  const match = /\]\.([^[\]]+)$/.exec(field);
  return match ? match[1]! : field;
}

/**
 * The form's shape for a progress bar, read from its structure alone (relevance ignored): each place a
 * paged screen can start at, in order, and the sections that hold something to show. Skip logic that
 * opens questions changes neither, so progress never goes backwards and never passes the end.
 */
export interface FormStructure {
  /** A question's place (0-based) among the form's shown questions; a field-list or repeat counts once. */
  order: ReadonlyMap<string, number>;
  total: number;
  /** Sections with at least one question to show, by name → 0-based index. */
  sections: ReadonlyMap<string, number>;
}

export function formStructure(form: FormSchema): FormStructure {
  const order = new Map<string, number>();
  const sections = new Map<string, number>();
  let total = 0;
  function walk(q: Question) {
    if (!isDisplayed(q)) return;
    if (q.type === 'group' && !isFieldList(q)) {
      for (const child of q.questions ?? []) walk(child);
      return;
    }
    order.set(q.name, total++);
  }
  for (const section of form.sections) {
    const before = total;
    if (isFieldList(section)) {
      const shown = section.questions.filter(isDisplayed);
      for (const q of shown) order.set(q.name, total);
      order.set(section.name, total);
      if (shown.length) total++;
    } else for (const q of section.questions) walk(q);
    if (total > before) sections.set(section.name, sections.size);
  }
  return { order, total, sections };
}

export interface Progress {
  /** Questions (places) up to and including this screen, out of `total`: 1 ≤ done ≤ total. */
  done: number;
  total: number;
  /** 1-based section of this screen, out of `sections`. */
  section: number;
  sections: number;
}

export function progressAt(structure: FormStructure, screen: Screen): Progress {
  const places = [screen.key, ...screen.items.map((q) => q.name)]
    .map((n) => structure.order.get(n))
    .filter((n): n is number => n !== undefined);
  const total = Math.max(1, structure.total);
  const done = places.length ? Math.min(total, Math.min(...places) + 1) : 1;
  const sections = Math.max(1, structure.sections.size);
  const section = Math.min(sections, (structure.sections.get(screen.section.name) ?? 0) + 1);
  return { done, total, section, sections };
}
