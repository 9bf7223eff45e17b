import { useId, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import type { AuditSuggestions } from './audit-entries';
import {
  hasAuditFilters,
  NO_AUDIT_FILTERS,
  parseUrlInstant,
  timeRangeProblem,
  type AuditFilters,
} from './audit-filters';

interface Draft {
  experimentKey: string;
  action: string;
  actor: string;
  since: string;
  until: string;
}

/** An instant for a datetime-local field, which the form reads as UTC (as the console shows time). */
function toFieldTime(atMs: number | null): string {
  if (atMs === null) return '';
  const iso = new Date(atMs).toISOString();
  return iso.slice(17, 23) === '00.000' ? iso.slice(0, 16) : iso.slice(0, 19);
}

function toDraft(filters: AuditFilters): Draft {
  return {
    experimentKey: filters.experimentKey ?? '',
    action: filters.action ?? '',
    actor: filters.actor ?? '',
    since: toFieldTime(filters.sinceMs),
    until: toFieldTime(filters.untilMs),
  };
}

function fromDraft(draft: Draft): AuditFilters {
  const text = (value: string): string | null => value.trim() || null;
  return {
    experimentKey: text(draft.experimentKey),
    action: text(draft.action),
    actor: text(draft.actor),
    sinceMs: draft.since ? parseUrlInstant(draft.since) : null,
    untilMs: draft.until ? parseUrlInstant(draft.until) : null,
  };
}

interface AuditFilterFormProps {
  /** The filters in force; the form edits a copy and applies it on submit. */
  filters: AuditFilters;
  onApply(filters: AuditFilters): void;
  suggestions: AuditSuggestions;
}

/** The text filters: exact matches, with what the log shows offered as you type. */
const TEXT_FIELDS: ReadonlyArray<{
  name: 'experimentKey' | 'action' | 'actor';
  label: string;
  placeholder: string;
  suggest: keyof AuditSuggestions;
}> = [
  { name: 'experimentKey', label: 'Experiment', placeholder: 'any key', suggest: 'keys' },
  { name: 'action', label: 'Action', placeholder: 'e.g. experiment.rollback', suggest: 'actions' },
  { name: 'actor', label: 'Actor', placeholder: 'e.g. runway:scheduler', suggest: 'actors' },
];

/**
 * Experiment, action, actor and a UTC time range. Applied on submit (Enter or the button), not
 * per keystroke: each applied filter is a new address to share and a new query to the server.
 */
export function AuditFilterForm({ filters, onApply, suggestions }: AuditFilterFormProps) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(filters));
  const problemId = useId();
  const candidate = fromDraft(draft);
  const problem = timeRangeProblem(candidate);
  const edit = (name: keyof Draft) => (value: string) =>
    setDraft((current) => ({ ...current, [name]: value }));
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!problem) onApply(candidate);
  };

  return (
    <form
      className="audit-filters"
      role="search"
      aria-label="Filter the audit log"
      onSubmit={submit}
    >
      {TEXT_FIELDS.map((field) => (
        <FilterField
          key={field.name}
          label={field.label}
          value={draft[field.name]}
          onChange={edit(field.name)}
          input={{ type: 'text', placeholder: field.placeholder, spellCheck: false }}
          suggestions={suggestions[field.suggest]}
        />
      ))}
      <FilterField
        label="From (UTC)"
        value={draft.since}
        onChange={edit('since')}
        input={TIME_INPUT}
      />
      <FilterField
        label="Before (UTC)"
        value={draft.until}
        onChange={edit('until')}
        input={{
          ...TIME_INPUT,
          'aria-invalid': problem ? true : undefined,
          'aria-describedby': problem ? problemId : undefined,
        }}
      />
      <div className="audit-filters__buttons">
        <button type="submit" className="button button--primary" disabled={problem !== null}>
          Apply filters
        </button>
        {hasAuditFilters(filters) ? (
          <button
            type="button"
            className="button button--quiet"
            onClick={() => onApply(NO_AUDIT_FILTERS)}
          >
            Clear filters
          </button>
        ) : null}
      </div>
      {problem ? (
        <p id={problemId} className="audit-filters__problem" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}

/** Times are whole seconds, read as UTC (see parseUrlInstant). */
const TIME_INPUT = { type: 'datetime-local', step: 1 } as const;

function FilterField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  input: InputHTMLAttributes<HTMLInputElement>;
  suggestions?: readonly string[];
}) {
  const listId = useId();
  const { label, value, onChange, input, suggestions } = props;
  return (
    <label className="audit-filters__field">
      <span>{label}</span>
      <input
        {...input}
        value={value}
        list={suggestions ? listId : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {suggestions ? (
        <datalist id={listId}>
          {suggestions.map((suggestion) => (
            <option key={suggestion} value={suggestion} />
          ))}
        </datalist>
      ) : null}
    </label>
  );
}
