import { formatAt } from '../experiment/experiment-format';
import { useChainVerdict, type ChainCheck } from './use-chain-verdict';

/** Whether the audit log's hash chain is intact (DESIGN §8), and a way to check again. */
export function ChainStatus() {
  const { verdict, checkedAtMs, checking, error, verify } = useChainVerdict();
  return (
    <div className="chain-status" data-testid="chain-status">
      <ChainVerdictText
        verdict={verdict}
        checkedAtMs={checkedAtMs}
        checking={checking}
        error={error}
      />
      <button type="button" className="button button--quiet" onClick={verify} disabled={checking}>
        Verify again
      </button>
    </div>
  );
}

function ChainVerdictText({ verdict, checkedAtMs, checking, error }: Omit<ChainCheck, 'verify'>) {
  if (checking && verdict === null)
    return (
      <span className="chain-status__text" role="status">
        Verifying the hash chain…
      </span>
    );
  if (error)
    return (
      <span className="chain-status__text chain-status__text--unknown" role="alert">
        Could not verify the hash chain: {error}
      </span>
    );
  if (verdict === null) return null;
  const when = checkedAtMs === null ? '' : ` (checked ${formatAt(checkedAtMs)})`;
  if (verdict.ok)
    return (
      <span className="chain-status__text chain-status__text--ok" role="status">
        <span aria-hidden="true">✓ </span>Hash chain intact: {verdict.rows.toLocaleString('en')}{' '}
        {verdict.rows === 1 ? 'entry' : 'entries'} verified{when}
      </span>
    );
  return (
    <span className="chain-status__text chain-status__text--broken" role="alert">
      <span aria-hidden="true">✗ </span>Hash chain broken at entry {verdict.seq}: {verdict.problem}
      {when}. Entries from there on cannot be trusted; the server log and a backup of the database
      tell what happened.
    </span>
  );
}
