import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { navigate, usePath } from './use-location.js';

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
}

/**
 * A real link (it opens in a new tab, and works without JavaScript's help for
 * assistive tech) that changes page in place on a plain click, and marks the
 * current page with `aria-current="page"`.
 *
 * @example
 * <Link to="/account">Account security</Link>
 */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const current = usePath() === to;
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const modified =
      event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0;
    if (event.defaultPrevented || modified) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} aria-current={current ? 'page' : undefined} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
