// Test support: what React Flow needs from a browser that happy-dom does not give. happy-dom has no
// layout, so elements report fixed sizes: nodes the size the layout gives them, everything else
// (the canvas) a laptop screen. ResizeObserver reports once on observe(), as browsers do.

import { resizeObserverReporting } from '../../testing/resize-observer';
import { NODE_HEIGHT, NODE_WIDTH } from '../graph-layout';

export const CANVAS_SIZE = { width: 1200, height: 800 };

function sizeOf(element: Element): { width: number; height: number } {
  if (element.classList.contains('react-flow__node'))
    return { width: NODE_WIDTH, height: NODE_HEIGHT };
  return CANVAS_SIZE;
}

let installed = false;

/** Installs the shims once per test file (environments are per file). */
export function installReactFlowShims(): void {
  if (installed) return;
  installed = true;
  globalThis.ResizeObserver = resizeObserverReporting(sizeOf);
  for (const [property, axis] of [
    ['offsetWidth', 'width'],
    ['offsetHeight', 'height'],
    ['clientWidth', 'width'],
    ['clientHeight', 'height'],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, property, {
      configurable: true,
      get(this: HTMLElement) {
        return sizeOf(this)[axis];
      },
    });
  }
  // React Flow reads the zoom from the viewport's computed transform; happy-dom may not parse it.
  try {
    new DOMMatrixReadOnly('translate(0px, 0px) scale(1)');
  } catch {
    globalThis.DOMMatrixReadOnly = class {
      m22: number;
      constructor(transform?: string) {
        const scale = /scale\(([\d.]+)\)/.exec(transform ?? '');
        this.m22 = scale ? Number(scale[1]) : 1;
      }
    } as unknown as typeof DOMMatrixReadOnly;
  }
}
