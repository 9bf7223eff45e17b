import type { MouseEvent, ReactNode } from 'react';

/** A real link that the shell navigates in place on a plain click (onNavigate from the route). */
export function NavLink({
  to,
  onNavigate,
  children,
}: {
  to: string;
  onNavigate(path: string): void;
  children: ReactNode;
}) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    onNavigate(to);
  };
  return (
    <a href={to} onClick={handleClick}>
      {children}
    </a>
  );
}
