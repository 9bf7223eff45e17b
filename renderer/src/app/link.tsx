import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';
import { navigate, useLocation } from './router';

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  children: ReactNode;
}

/** A real link (middle-click and "open in new tab" work) that navigates in place on a plain click. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const current = useLocation((state) => state.path);
  const handleClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} aria-current={current === to ? 'page' : undefined} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
