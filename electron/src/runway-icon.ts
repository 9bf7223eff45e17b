// The Runway mark (renderer/public/favicon.svg: a blue rounded square, a white runway line and
// chevron), drawn in code for the tray and the window. Electron cannot load SVG images, and
// drawing it keeps binary files out of the repository; an alert dot marks open pages.
import { deflateSync } from 'node:zlib';

const BLUE = [0x1d, 0x5f, 0xd1] as const;
const WHITE = [0xff, 0xff, 0xff] as const;
const RED = [0xd9, 0x2d, 0x20] as const;
type Rgb = readonly [number, number, number];

/** The favicon's shapes in its 32-unit viewBox. */
const SEGMENTS: ReadonlyArray<readonly [number, number, number, number]> = [
  [7, 22, 25, 22],
  [10, 17, 16, 10],
  [16, 10, 22, 17],
];
const STROKE_HALF_WIDTH = 1.5;
const CORNER_RADIUS = 7;
const ALERT_DOT = { x: 25, y: 7, radius: 6.5, ring: 1.5 };

function distanceToSegment(px: number, py: number, [x1, y1, x2, y2]: readonly number[]): number {
  const dx = x2! - x1!;
  const dy = y2! - y1!;
  const t = Math.max(0, Math.min(1, ((px - x1!) * dx + (py - y1!) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (x1! + t * dx), py - (y1! + t * dy));
}

function insideRoundedSquare(x: number, y: number): boolean {
  if (x < 0 || y < 0 || x > 32 || y > 32) return false;
  const cx = Math.min(Math.max(x, CORNER_RADIUS), 32 - CORNER_RADIUS);
  const cy = Math.min(Math.max(y, CORNER_RADIUS), 32 - CORNER_RADIUS);
  return Math.hypot(x - cx, y - cy) <= CORNER_RADIUS;
}

/** The colour at one point of the viewBox, or null where the icon is transparent. */
function colourAt(x: number, y: number, alert: boolean): Rgb | null {
  if (alert) {
    const fromDot = Math.hypot(x - ALERT_DOT.x, y - ALERT_DOT.y);
    if (fromDot <= ALERT_DOT.radius) return RED;
    if (fromDot <= ALERT_DOT.radius + ALERT_DOT.ring) return WHITE;
  }
  if (!insideRoundedSquare(x, y)) return null;
  return SEGMENTS.some((segment) => distanceToSegment(x, y, segment) <= STROKE_HALF_WIDTH)
    ? WHITE
    : BLUE;
}

/** RGBA pixels of the icon at `size`×`size`, anti-aliased by 4×4 supersampling. */
export function drawRunwayIcon(size: number, options: { alert?: boolean } = {}): Uint8Array {
  const samples = 4;
  const pixels = new Uint8Array(size * size * 4);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const x = ((column + (sx + 0.5) / samples) * 32) / size;
          const y = ((row + (sy + 0.5) / samples) * 32) / size;
          const colour = colourAt(x, y, options.alert ?? false);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered += 1;
        }
      }
      const offset = (row * size + column) * 4;
      if (covered > 0) {
        pixels[offset] = Math.round(r / covered);
        pixels[offset + 1] = Math.round(g / covered);
        pixels[offset + 2] = Math.round(b / covered);
        pixels[offset + 3] = Math.round((255 * covered) / (samples * samples));
      }
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(typeAndData.length + 8);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), typeAndData.length + 4);
  return out;
}

/** A PNG file of RGBA pixels (8 bits per channel, no filtering). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter, no interlace
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let row = 0; row < height; row += 1) {
    rows[row * (width * 4 + 1)] = 0; // filter: none
    rows.set(rgba.subarray(row * width * 4, (row + 1) * width * 4), row * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const drawn = new Map<string, Buffer>();

/** The icon as a PNG file; each size is drawn once per process (a 128 px one takes a while). */
export function runwayIconPng(size: number, options: { alert?: boolean } = {}): Buffer {
  const key = `${size}:${options.alert ? 'alert' : 'calm'}`;
  let png = drawn.get(key);
  if (!png) {
    png = encodePng(size, size, drawRunwayIcon(size, options));
    drawn.set(key, png);
  }
  return png;
}
