import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'rwy_';

/** A new API token: 256 random bits, prefixed so it is recognisable in logs and secret scanners. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * Tokens are stored as SHA-256 digests. They are 256-bit random values, so a fast hash is
 * enough: there is nothing to brute-force, unlike a password.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
