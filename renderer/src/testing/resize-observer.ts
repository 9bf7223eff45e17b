// Test support: happy-dom has no ResizeObserver (Recharts' responsive sizing and React Flow need
// one) and no layout. This one reports the size `sizeOf` gives each observed element, once, as a
// browser does on observe().

export type SizeOf = (element: Element) => { width: number; height: number };

export function resizeObserverReporting(sizeOf: SizeOf): typeof ResizeObserver {
  class ReportOnceResizeObserver {
    constructor(private readonly callback: ResizeObserverCallback) {}
    observe(target: Element): void {
      const { width, height } = sizeOf(target);
      const rect = { x: 0, y: 0, top: 0, left: 0, width, height, right: width, bottom: height };
      const size = [{ inlineSize: width, blockSize: height }];
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
  return ReportOnceResizeObserver as unknown as typeof ResizeObserver;
}
