// MurmurHash3, x86 32-bit variant (Austin Appleby's reference `MurmurHash3_x86_32`).
//
// Why this hash: every flag client has to reproduce the server's bucket for a unit, byte for byte.
// MurmurHash3 x86_32 has a single public reference and off-the-shelf ports in every language an
// OpenFeature client is written in (Python `mmh3.hash(..., signed=False)`, Go `murmur3.Sum32`,
// Java Guava `murmur3_32_fixed`, Rust `murmur3::murmur3_32`), and Unleash buckets with it too. It
// distributes short, similar keys ("user-1", "user-2") well, unlike 32-bit FNV-1a, and in
// JavaScript it needs only 32-bit integer maths (Math.imul), so no BigInt and no dependency.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function rotl32(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function scramble(k: number): number {
  return Math.imul(rotl32(Math.imul(k, C1), 15), C2);
}

/** The unsigned 32-bit MurmurHash3 x86_32 of `bytes`. */
export function murmur3x86_32(bytes: Uint8Array, seed = 0): number {
  const length = bytes.length;
  const tailStart = length - (length & 3);
  let h = seed | 0;

  for (let i = 0; i < tailStart; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h ^= scramble(k);
    h = (Math.imul(rotl32(h, 13), 5) + 0xe6546b64) | 0;
  }

  const tailLength = length & 3;
  if (tailLength > 0) {
    let k = 0;
    if (tailLength === 3) k ^= bytes[tailStart + 2]! << 16;
    if (tailLength >= 2) k ^= bytes[tailStart + 1]! << 8;
    k ^= bytes[tailStart]!;
    h ^= scramble(k);
  }

  // The reference mixes in the length as a 32-bit value; keys here are far shorter than 4 GiB.
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const utf8 = new TextEncoder();

/**
 * MurmurHash3 x86_32 of a string's UTF-8 bytes. TextEncoder turns a lone UTF-16 surrogate into
 * U+FFFD (EF BF BD); clients in other languages must do the same to agree on such keys.
 */
export function murmur3x86_32String(text: string, seed = 0): number {
  return murmur3x86_32(utf8.encode(text), seed);
}
