import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChainVerdict } from '../../../server/src/audit/audit-chain';
import { runwayClient } from '../api/runway-client';
import { errorMessage } from '../app/error-messages';

export interface ChainCheck {
  verdict: ChainVerdict | null;
  checkedAtMs: number | null;
  checking: boolean;
  error: string | null;
  verify(): void;
}

/**
 * The hash chain's verdict (audit.verify), checked on opening the view and on request. Not on
 * every change: verifying reads the whole log, and a chain that was intact stays so unless
 * someone edits the database file, which no live change would announce anyway.
 */
export function useChainVerdict(): ChainCheck {
  const [state, setState] = useState<Omit<ChainCheck, 'verify'>>({
    verdict: null,
    checkedAtMs: null,
    checking: true,
    error: null,
  });
  const mounted = useRef(true);

  const verify = useCallback(() => {
    setState((current) => ({ ...current, checking: true, error: null }));
    runwayClient()
      .audit.verify.query()
      .then((verdict) => {
        if (mounted.current)
          setState({ verdict, checkedAtMs: Date.now(), checking: false, error: null });
      })
      .catch((error: unknown) => {
        if (mounted.current)
          setState((current) => ({ ...current, checking: false, error: errorMessage(error) }));
      });
  }, []);

  useEffect(() => {
    mounted.current = true;
    verify();
    return () => {
      mounted.current = false;
    };
  }, [verify]);

  return { ...state, verify };
}
