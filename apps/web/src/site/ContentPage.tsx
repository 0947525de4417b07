import { Link } from 'react-router';
import type { Locale } from '@oslrs/core';
import { useT } from '../i18n';
import { CONTENT_PAGES, type SiteContacts } from './pages';

/** One prerendered page of text: its title, an introduction, then headed sections. */
export function ContentPage({
  page,
  contacts,
}: {
  page: keyof typeof CONTENT_PAGES;
  locale: Locale;
  contacts: SiteContacts;
}) {
  const { t } = useT();
  const values = { ...contacts };
  return (
    <div className="mx-auto max-w-3xl px-4 py-8 sm:py-12">
      <h1 className="text-2xl font-bold tracking-tight text-stone-900 sm:text-3xl">{t(`public.${page}.title`)}</h1>
      <p className="mt-4 text-lg text-stone-800">{t(`public.${page}.intro`, values)}</p>
      {CONTENT_PAGES[page].map((section) => {
        const base = `public.${page}.${section.id}`;
        return (
          <section key={section.id} className="mt-8" aria-labelledby={`s-${section.id}`}>
            <h2 id={`s-${section.id}`} className="text-xl font-bold text-stone-900">
              {t(`${base}.heading`)}
            </h2>
            <p className="mt-2 text-stone-800">{t(`${base}.body`, values)}</p>
            {section.items && (
              <ul className="mt-3 list-disc space-y-1 pl-6 text-stone-800">
                {Array.from({ length: section.items }, (_, i) => (
                  <li key={i}>{t(`${base}.item${i + 1}`, values)}</li>
                ))}
              </ul>
            )}
            {section.link && (
              <p className="mt-3">
                <Link to={section.link.to} className="link font-semibold">
                  {t(section.link.label)}
                </Link>
              </p>
            )}
          </section>
        );
      })}
    </div>
  );
}
