import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { drawRunwayIcon, runwayIconPng } from './runway-icon';

/** Reads back the RGBA pixels of a PNG written by encodePng (unfiltered rows). */
function decodePng(png: Buffer): {
  width: number;
  height: number;
  pixel(x: number, y: number): number[];
} {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
    }
    if (type === 'IDAT') data.push(body);
    offset += length + 12;
  }
  const rows = inflateSync(Buffer.concat(data));
  return {
    width,
    height,
    pixel: (x, y) => [
      ...rows.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 5 + x * 4),
    ],
  };
}

describe('the Runway icon', () => {
  it('is a valid PNG of the mark: blue square, white runway line, transparent corners', () => {
    const image = decodePng(runwayIconPng(32));
    expect([image.width, image.height]).toEqual([32, 32]);
    expect(image.pixel(0, 0)[3]).toBe(0);
    expect(image.pixel(4, 28)).toEqual([0x1d, 0x5f, 0xd1, 255]);
    expect(image.pixel(16, 21)).toEqual([255, 255, 255, 255]);
  });

  it('carries a red dot when pages are open', () => {
    const calm = decodePng(runwayIconPng(32));
    const alert = decodePng(runwayIconPng(32, { alert: true }));
    expect(alert.pixel(25, 6)).toEqual([0xd9, 0x2d, 0x20, 255]);
    expect(calm.pixel(25, 6)).toEqual([0x1d, 0x5f, 0xd1, 255]);
    expect(alert.pixel(4, 28)).toEqual(calm.pixel(4, 28));
  });

  it('scales: the same mark at any size, edges anti-aliased', () => {
    const big = drawRunwayIcon(128);
    const alpha = (x: number, y: number): number => big[(y * 128 + x) * 4 + 3]!;
    expect(alpha(64, 64)).toBe(255);
    expect(alpha(0, 0)).toBe(0);
    // The rounded corner's edge is partly covered.
    const edge = [...Array(128).keys()]
      .map((i) => alpha(i, i))
      .find((value) => value > 0 && value < 255);
    expect(edge).toBeDefined();
  });
});
