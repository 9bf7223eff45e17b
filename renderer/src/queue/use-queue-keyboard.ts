import { useEffect, useRef, type RefObject } from 'react';
import { useQueueSelection } from './queue-selection-store';

function isEditable(element: Element | null): boolean {
  if (!(element instanceof HTMLElement)) return false;
  if (element.isContentEditable) return true;
  return (
    element instanceof HTMLInputElement ||
    element instanceof HTMLTextAreaElement ||
    element instanceof HTMLSelectElement
  );
}

/**
 * The queue's keys: `/` focuses the search; ↑/↓ move the selection (also from the search box,
 * as in a command palette); Enter opens the selected experiment; Escape leaves the search.
 */
export function useQueueKeyboard(options: {
  rowKeys: readonly string[];
  searchRef: RefObject<HTMLInputElement | null>;
  onOpen(key: string): void;
}): void {
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const { rowKeys, searchRef, onOpen } = latest.current;
      const target = event.target instanceof Element ? event.target : null;
      const search = searchRef.current;
      const inSearch = search !== null && target === search;
      if (isEditable(target) && !inSearch) return;

      switch (event.key) {
        case '/':
          if (inSearch || !search) return;
          event.preventDefault();
          search.focus();
          search.select();
          return;
        case 'ArrowDown':
        case 'ArrowUp':
          event.preventDefault();
          useQueueSelection.getState().move(rowKeys, event.key === 'ArrowDown' ? 1 : -1);
          return;
        case 'Enter': {
          // A focused button or link does its own thing with Enter.
          if (!inSearch && target?.closest('button, a, summary')) return;
          const key = useQueueSelection.getState().selectedKey;
          if (key === null || !rowKeys.includes(key)) return;
          event.preventDefault();
          onOpen(key);
          return;
        }
        case 'Escape':
          if (inSearch) search.blur();
          return;
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
