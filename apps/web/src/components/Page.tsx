import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { useT } from '../i18n';

const SITE = 'OSLRS — Oyo State Labour & Skills Registry';

/** Sets the tab title: "<page> — OSLRS", or the full site name when no page title is given. */
export function useDocumentTitle(title?: string) {
  useEffect(() => {
    document.title = title ? `${title} — OSLRS` : SITE;
  }, [title]);
}

// The page the app was opened on: its heading must not grab focus on a fresh load.
const initialPath = typeof window === 'undefined' ? '' : window.location.pathname;
let leftInitialPage = false;

/**
 * The page's h1. After an in-app navigation to another path it takes focus, so keyboard and
 * screen-reader users start at the new page's title instead of on a link that no longer exists.
 * A fresh page load, and changes of the query string only (filters, paging), leave focus alone.
 */
export function PageHeading({
  children,
  title,
  className = 'text-2xl text-stone-900 sm:text-3xl',
}: {
  children: ReactNode;
  /** The tab title, when the heading is not plain text. */
  title?: string;
  className?: string;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  const location = useLocation();
  useDocumentTitle(title ?? (typeof children === 'string' ? children : undefined));
  useEffect(() => {
    if (!leftInitialPage && location.pathname === initialPath) return;
    leftInitialPage = true;
    ref.current?.focus();
  }, [location.pathname]);
  return (
    <h1 ref={ref} tabIndex={-1} className={`font-bold tracking-tight ${className}`}>
      {children}
    </h1>
  );
}

export function SkipLink() {
  const { t } = useT();
  return (
    <a
      href="#main"
      className="sr-only rounded-md bg-white px-4 py-2 font-semibold text-green-900 focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
    >
      {t('public.skipToMain')}
    </a>
  );
}
