import { Link, useLocation } from 'react-router';

export interface NavItem {
  to: string;
  label: string;
}

/**
 * The header's navigation. On phones it takes its own full-width row under the name and "Sign out"
 * and WRAPS onto as many lines as it needs: every entry stays visible, none hides off the side.
 */
export function NavBar({
  label,
  items,
  current,
}: {
  label: string;
  items: readonly NavItem[];
  /** Which entry the page belongs to (default: the longest entry that prefixes the path). */
  current?: string;
}) {
  const { pathname } = useLocation();
  const active =
    current ??
    items
      .filter((i) => pathname === i.to || pathname.startsWith(`${i.to}/`))
      .sort((a, b) => b.to.length - a.to.length)[0]?.to;
  return (
    <nav aria-label={label} className="order-last -mx-4 w-[calc(100%+2rem)] md:order-none md:mx-0 md:w-auto">
      <ul className="flex flex-wrap border-t border-green-800 px-2 md:border-0 md:px-0" data-nav={label}>
        {items.map((item) => (
          <li key={item.to}>
            <Link
              to={item.to}
              aria-current={active === item.to ? 'page' : undefined}
              className="block rounded-sm px-3 py-2.5 font-semibold whitespace-nowrap text-white no-underline hover:underline aria-[current=page]:underline aria-[current=page]:decoration-amber-300 aria-[current=page]:decoration-4 aria-[current=page]:underline-offset-8 md:py-2"
            >
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
