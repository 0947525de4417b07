/**
 * A page must never show a catalogue id (or English) in place of a sector or skill name because the
 * catalogue part holding the names was not loaded. The names are in the `app` part
 * (packages/core/src/i18n/catalog.ts: catalogPartOf); a route loads it when the router wraps it in
 * withAppText or withStaffText. So: no module that words taxonomy names may be reached from the
 * entry, or from a lazily loaded module that is not so wrapped, through static imports alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogPartOf } from '../../../../packages/core/src/i18n/catalog';
import { sectorName, skillName, experienceName, breakdownRow } from './taxonomy';

const src = resolve(dirname(new URL(import.meta.url).pathname), '..');

function sources(): string[] {
  return readdirSync(src, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.(test|d)\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')])
    if (existsSync(candidate) && /\.tsx?$/.test(candidate)) return candidate;
  return null;
}

interface Module {
  statics: string[];
  /** Lazily loaded modules, and whether the load waits for the `app` part. */
  lazies: { file: string; withApp: boolean }[];
}

function graph(): Map<string, Module> {
  const out = new Map<string, Module>();
  for (const file of sources()) {
    const text = readFileSync(file, 'utf8');
    const statics = [...text.matchAll(/^\s*import\s+(?!type\b)[^;]*?from\s+['"]([^'"]+)['"]/gms)]
      .map((m) => resolveImport(file, m[1]!))
      .filter((f): f is string => !!f);
    const lazies = [...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].flatMap((m) => {
      const target = resolveImport(file, m[1]!);
      if (!target) return [];
      const before = text.slice(Math.max(0, m.index - 120), m.index);
      return [{ file: target, withApp: /with(App|Staff)Text\(\s*(\(\)\s*=>\s*)?$/.test(before.replace(/\s+/g, ' ')) }];
    });
    out.set(file, { statics, lazies });
  }
  return out;
}

describe('taxonomy names on the web', () => {
  it('every page that words a sector or skill loads the catalogue part that holds the names', () => {
    const modules = graph();
    const users = new Set(
      [...modules.keys()].filter(
        (f) => !f.endsWith('lib/taxonomy.ts') && modules.get(f)!.statics.some((s) => s.endsWith('lib/taxonomy.ts')),
      ),
    );
    // The check is about something: the marketplace, the insights, the dashboard and the registry word names.
    const names = [...users].map((f) => relative(src, f)).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'routes/marketplace/Marketplace.tsx',
        'routes/marketplace/ProfileCard.tsx',
        'routes/public/Insights.tsx',
        'routes/reports/ReportsDashboard.tsx',
        'routes/registry/RespondentView.tsx',
      ]),
    );
    expect(catalogPartOf('taxonomy.sector.CON')).toBe('app');

    // Roots whose text may not include `app`: the entry and every lazy module not wrapped.
    const roots = [join(src, 'main.tsx')];
    for (const m of modules.values()) for (const l of m.lazies) if (!l.withApp) roots.push(l.file);
    const bad: string[] = [];
    for (const root of roots) {
      const seen = new Set<string>();
      const stack = [root];
      while (stack.length) {
        const f = stack.pop()!;
        if (seen.has(f)) continue;
        seen.add(f);
        if (users.has(f)) bad.push(`${relative(src, f)} (from ${relative(src, root)})`);
        stack.push(...(modules.get(f)?.statics ?? []));
      }
    }
    expect(bad).toEqual([]);
  });

  it('falls back to the English the API sent (never an id) when a name is not in the catalogue', () => {
    const ids = (id: string) => id; // a catalogue that knows nothing answers with the id
    expect(sectorName(ids, 'FBP', 'Fashion, Beauty & Personal Care')).toBe('Fashion, Beauty & Personal Care');
    expect(skillName(ids, 'basket_weaving')).toBe('basket weaving');
    expect(experienceName(ids, '4_6', '4–6 years')).toBe('4–6 years');
    expect(breakdownRow(ids, 'lga', { key: 'atiba', label: 'Atiba', count: 3 }).label).toBe('Atiba');
    const yo = (id: string) => (id === 'taxonomy.skill.tailoring' ? 'Aṣọ rírán (tẹ́lọ̀)' : id);
    expect(skillName(yo, 'tailoring', 'Tailoring/Sewing')).toBe('Aṣọ rírán (tẹ́lọ̀)');
    expect(breakdownRow(yo, 'skill', { key: 'tailoring', label: 'Tailoring/Sewing', count: 12 })).toEqual({
      key: 'tailoring',
      label: 'Aṣọ rírán (tẹ́lọ̀)',
      count: 12,
    });
  });
});
