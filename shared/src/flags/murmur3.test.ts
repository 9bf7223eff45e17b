import { describe, expect, it } from 'vitest';
import { murmur3x86_32, murmur3x86_32String } from './murmur3';

// Published MurmurHash3_x86_32 vectors (Wikipedia, and the widely cross-checked list of
// Ian Boyd's Stack Overflow answer "MurmurHash - what is it?"); strings are UTF-8 encoded.
const VECTORS: [text: string, seed: number, hash: number][] = [
  ['', 0, 0x00000000],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  ['\u0000\u0000\u0000\u0000', 0, 0x2362f9de],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['aaa', 0x9747b28c, 0x283e0130],
  ['aa', 0x9747b28c, 0x5d211726],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['abcd', 0x9747b28c, 0xf0478627],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['ab', 0x9747b28c, 0x74875592],
  ['test', 0, 0xba6bd213],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
];

describe('murmur3x86_32', () => {
  it.each(VECTORS)('hashes %j with seed %d to the published value', (text, seed, hash) => {
    expect(murmur3x86_32String(text, seed)).toBe(hash);
  });

  it('passes SMHasher’s verification test for MurmurHash3_x86_32 (0xB0F57EE3)', () => {
    // Hash keys {}, {0}, {0,1}, … {0..254} with seed 256 - length, then hash the 256 results
    // laid out little-endian with seed 0: the reference implementation's self-check.
    const key = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hashes = new Uint8Array(4 * 256);
    const view = new DataView(hashes.buffer);
    for (let length = 0; length < 256; length++) {
      view.setUint32(4 * length, murmur3x86_32(key.subarray(0, length), 256 - length), true);
    }
    expect(murmur3x86_32(hashes, 0)).toBe(0xb0f57ee3);
  });

  it('always returns an unsigned 32-bit integer', () => {
    for (let i = 0; i < 1_000; i++) {
      const hash = murmur3x86_32String(`key-${i}`);
      expect(Number.isInteger(hash) && hash >= 0 && hash <= 0xffffffff).toBe(true);
    }
  });
});
