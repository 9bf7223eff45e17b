import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorRegistry, type ErrorCode, type RunwayErrorData } from '../../../shared/src/errors';
import {
  CONNECTION_MESSAGE,
  errorCode,
  errorMessage,
  isConnectionError,
  runwayErrorData,
} from './error-messages';

/** A failed call as the tRPC client hands it over: the server's shape with `data.runway`. */
function serverError(
  runway: Partial<RunwayErrorData> & { code: ErrorCode },
  message = 'server text',
) {
  return TRPCClientError.from({
    error: {
      code: -32600,
      message,
      data: {
        code: 'BAD_REQUEST',
        httpStatus: 400,
        runway: { issues: [], details: {}, ...runway },
      },
    },
  });
}

describe('errorMessage', () => {
  it('has a sentence for every code in the registry, never the raw server text', () => {
    for (const code of Object.keys(errorRegistry) as ErrorCode[]) {
      const message = errorMessage(serverError({ code }, 'RAW-SERVER-TEXT'));
      expect(message, code).toMatch(/^[A-Z].*[.!]$/);
      expect(message, code).not.toContain('RAW-SERVER-TEXT');
      expect(errorCode(serverError({ code })), code).toBe(code);
    }
  });

  it('lists the issues of invalid input and invalid specs by path', () => {
    expect(
      errorMessage(
        serverError({
          code: 'SPEC_INVALID',
          issues: [
            { path: 'stages[1].percent', message: 'must be greater than stages[0].percent (5)' },
            { path: '', message: 'cycle through requires: a -> b -> a' },
          ],
        }),
      ),
    ).toBe(
      'The experiment spec is not valid: stages[1].percent: must be greater than stages[0].percent (5); cycle through requires: a -> b -> a.',
    );
    expect(
      errorMessage(
        serverError({
          code: 'BAD_REQUEST',
          issues: [{ path: 'reason', message: 'a reason is required' }],
        }),
      ),
    ).toBe('The server could not accept this request: reason: a reason is required.');
  });

  it('says which role is needed and which one the user has', () => {
    expect(
      errorMessage(
        serverError({ code: 'FORBIDDEN', details: { needed: 'operator', role: 'viewer' } }),
      ),
    ).toBe('Your role does not allow this: it needs operator, and you are signed in as viewer.');
    expect(errorMessage(serverError({ code: 'FORBIDDEN' }))).toBe('Your role does not allow this.');
  });

  it('explains a stale version with the experiment and its current state', () => {
    expect(
      errorMessage(
        serverError({
          code: 'VERSION_CONFLICT',
          details: {
            key: 'checkout-v2',
            expectedVersion: 3,
            currentVersion: 4,
            currentState: 'rolled_back',
          },
        }),
      ),
    ).toBe(
      'checkout-v2 changed since you loaded it (it is now rolled back). Nothing was done: look at its current state and try again.',
    );
  });

  it('explains a transition the state does not allow, and a gate with its reasons', () => {
    expect(
      errorMessage(
        serverError({
          code: 'INVALID_TRANSITION',
          details: { state: 'completed', action: 'pause' },
        }),
      ),
    ).toBe('You cannot pause an experiment that is completed. Nothing was changed.');
    expect(
      errorMessage(
        serverError({
          code: 'GATE_BLOCKED',
          details: {
            blockedReasons: [
              { kind: 'freeze', message: 'freeze window until 18:00 UTC' },
              { kind: 'hold_time', message: 'hold time: 5m left in this stage' },
            ],
          },
        }),
      ),
    ).toBe(
      'A policy gate blocks this: freeze window until 18:00 UTC; hold time: 5m left in this stage.',
    );
  });

  it('names a missing experiment', () => {
    expect(errorMessage(serverError({ code: 'NOT_FOUND', details: { key: 'nope' } }))).toBe(
      'There is no experiment "nope". It may have been mistyped; keys are never reused.',
    );
  });

  it('treats an unanswered call as a connection problem, and anything else as unknown', () => {
    const unreachable = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(isConnectionError(unreachable)).toBe(true);
    expect(errorMessage(unreachable)).toBe(CONNECTION_MESSAGE);
    expect(
      isConnectionError(new TypeError('NetworkError when attempting to fetch resource.')),
    ).toBe(true);
    expect(isConnectionError(serverError({ code: 'INTERNAL' }))).toBe(false);
    expect(isConnectionError(new Error('a bug'))).toBe(false);
    expect(errorMessage(new Error('a bug'))).toMatch(/^Something went wrong/);
    expect(errorCode(unreachable)).toBeNull();
  });

  it('ignores a malformed runway payload instead of trusting it', () => {
    expect(runwayErrorData({ data: { runway: { code: 'NOT_A_CODE' } } })).toBeNull();
    expect(
      runwayErrorData({ data: { runway: { code: 'NOT_FOUND', issues: 'x', details: null } } }),
    ).toEqual({
      code: 'NOT_FOUND',
      issues: [],
      details: {},
    });
  });
});
