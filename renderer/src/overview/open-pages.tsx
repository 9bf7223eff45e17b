import { useId, useState } from 'react';
import type { PageView } from '../../../shared/src/api-types';
import { runwayClient } from '../api/runway-client';
import { useSession } from '../api/session-store';
import { errorMessage } from '../app/error-messages';
import { Link } from '../app/link';
import { experimentPath } from '../app/routes';
import { formatAt } from '../experiment/experiment-format';
import { PAGE_KIND_LABEL, relativeTime } from './overview-format';
import { acknowledgeAvailability, type AcknowledgeAvailability } from './page-rules';

/** Pages no one has acknowledged yet, newest first, each with its Acknowledge button. */
export function OpenPages(props: {
  pages: readonly PageView[];
  nowMs: number;
  onAcknowledged(page: PageView): void;
}) {
  const { pages, nowMs, onAcknowledged } = props;
  const user = useSession((state) => state.user);
  const availability = acknowledgeAvailability(user);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section
      className={`overview-card overview-pages${pages.length > 0 ? ' overview-pages--open' : ''}`}
      aria-labelledby="overview-pages-title"
    >
      <h2 id="overview-pages-title">
        Open pages
        {pages.length > 0 ? <span className="overview-pages__count"> {pages.length}</span> : null}
      </h2>
      {done ? (
        <p className="hint" role="status">
          {done}
        </p>
      ) : null}
      {pages.length === 0 ? (
        <p className="hint">
          No open pages. Runway pages an experiment&apos;s owner when a guardrail fails, its
          telemetry stops, or it is rolled back; the page stays here until someone acknowledges it.
        </p>
      ) : (
        <ul className="overview-pages__list">
          {pages.map((page) => (
            <OpenPage
              key={page.id}
              page={page}
              nowMs={nowMs}
              availability={availability}
              onAcknowledged={(acknowledged) => {
                setDone(
                  `Acknowledged the page about ${acknowledged.experimentKey}${acknowledged.acknowledgedBy ? ` as ${acknowledged.acknowledgedBy}` : ''}.`,
                );
                onAcknowledged(acknowledged);
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function OpenPage(props: {
  page: PageView;
  nowMs: number;
  availability: AcknowledgeAvailability;
  onAcknowledged(page: PageView): void;
}) {
  const { page, nowMs, availability, onAcknowledged } = props;
  const [error, setError] = useState<string | null>(null);
  return (
    <li
      className={`open-page open-page--${page.kind}`}
      data-testid="open-page"
      data-page-id={page.id}
    >
      <div className="open-page__what">
        <span className="open-page__kind">{PAGE_KIND_LABEL[page.kind]}</span>{' '}
        <Link to={experimentPath(page.experimentKey)} className="overview-key">
          {page.experimentKey}
        </Link>
        <p className="open-page__summary">{page.summary}</p>
        <p className="hint open-page__meta">
          raised{' '}
          <time
            dateTime={new Date(page.raisedAtMs).toISOString()}
            title={formatAt(page.raisedAtMs)}
          >
            {relativeTime(page.raisedAtMs, nowMs)}
          </time>{' '}
          · owner {page.owner} · {page.service} · {page.team}
        </p>
        {error ? (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <AcknowledgeButton
        page={page}
        availability={availability}
        onAcknowledged={onAcknowledged}
        onError={setError}
      />
    </li>
  );
}

/** Acknowledge, or disabled with why right below it (as the experiment view's actions do). */
function AcknowledgeButton(props: {
  page: PageView;
  availability: AcknowledgeAvailability;
  onAcknowledged(page: PageView): void;
  onError(message: string | null): void;
}) {
  const { page, availability, onAcknowledged, onError } = props;
  const whyId = useId();
  const [pending, setPending] = useState(false);
  const acknowledge = (): void => {
    setPending(true);
    onError(null);
    runwayClient()
      .pages.acknowledge.mutate({ id: page.id })
      .then(onAcknowledged)
      .catch((failure: unknown) => onError(errorMessage(failure)))
      .finally(() => setPending(false));
  };
  return (
    <div className="open-page__action">
      <button
        type="button"
        className="button"
        disabled={!availability.enabled || pending}
        aria-label={`Acknowledge the page about ${page.experimentKey} (${PAGE_KIND_LABEL[page.kind].toLowerCase()})`}
        aria-describedby={availability.why ? whyId : undefined}
        onClick={acknowledge}
      >
        {pending ? 'Acknowledging…' : 'Acknowledge'}
      </button>
      {availability.why ? (
        <span id={whyId} className="hint open-page__why">
          {availability.why}
        </span>
      ) : null}
    </div>
  );
}
