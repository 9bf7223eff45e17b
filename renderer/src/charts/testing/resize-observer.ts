// Test support: happy-dom has no ResizeObserver, which Recharts' responsive sizing needs. The
// shim reports one fixed size to each observed element, once, as a browser does on observe().

export const SHIM_SIZE = { width: 640, height: 240 };

class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    const rect = {
      x: 0,
      y: 0,
      top: 0,
      left: 0,
      ...SHIM_SIZE,
      right: SHIM_SIZE.width,
      bottom: SHIM_SIZE.height,
    };
    const size = [{ inlineSize: SHIM_SIZE.width, blockSize: SHIM_SIZE.height }];
    const entry = {
      target,
      contentRect: { ...rect, toJSON: () => rect },
      borderBoxSize: size,
      contentBoxSize: size,
      devicePixelContentBoxSize: size,
    } as unknown as ResizeObserverEntry;
    queueMicrotask(() => this.callback([entry], this as unknown as ResizeObserver));
  }
  unobserve(): void {}
  disconnect(): void {}
}

/** Installs the shim unless the environment has a real ResizeObserver. */
export function installResizeObserver(): void {
  if (typeof globalThis.ResizeObserver === 'undefined') {
    globalThis.ResizeObserver = FixedSizeResizeObserver as unknown as typeof ResizeObserver;
  }
}
