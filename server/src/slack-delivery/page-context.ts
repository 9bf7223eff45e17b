import {
  cascadeRoot,
  parsePageEvidence,
  type PageEvidence,
} from '../../../bot/src/delivery/page-evidence';
import { buildPageMessage, type PageAudience } from '../../../bot/src/delivery/page-message';
import type { SlackMessage } from '../../../bot/src/delivery/slack-format';
import type { ExperimentView, PageView } from '../../../shared/src/api-types';
import type { PageStore } from '../pages/page-store';
import type { PageDeliveryStore, PageEscalation } from './page-delivery-store';
import type { SlackRecipients } from './slack-recipients';

/** Everything a page's message shows, read at the moment it is rendered. */
export interface PageContext {
  page: PageView;
  experiment: ExperimentView | null;
  evidence: PageEvidence;
  cascade: { root: string; rolledBack: Array<{ key: string; via: string | null }> } | null;
  escalation: PageEscalation | null;
}

/**
 * What a rendered message depends on that can change after it was posted: the experiment's
 * version (its state, and the version its buttons carry), the acknowledgement and the escalation.
 * A posted message whose recorded value differs from this is outdated and gets updated.
 */
export function renderedState(state: {
  experimentVersion: number | null;
  acknowledgedAtMs: number | null;
  escalatedAtMs: number | null;
}): string {
  return `v${state.experimentVersion ?? '-'}|ack:${state.acknowledgedAtMs ?? '-'}|esc:${state.escalatedAtMs ?? '-'}`;
}

export function renderedStateOf(context: PageContext): string {
  return renderedState({
    experimentVersion: context.experiment?.version ?? null,
    acknowledgedAtMs: context.page.acknowledgedAtMs,
    escalatedAtMs: context.escalation?.escalatedAtMs ?? null,
  });
}

export interface PageContextLoaderDeps {
  store: PageDeliveryStore;
  pages: Pick<PageStore, 'get'>;
  /** The experiment as every client sees it; null when it does not exist. */
  experiment: (key: string) => ExperimentView | null;
}

export class PageContextLoader {
  constructor(private readonly deps: PageContextLoaderDeps) {}

  load(pageId: number): PageContext | null {
    const page = this.deps.pages.get(pageId);
    if (!page) return null;
    const evidence = parsePageEvidence(page.kind, this.deps.store.pagePayload(pageId) ?? {});
    const root = cascadeRoot(evidence);
    return {
      page,
      experiment: this.deps.experiment(page.experimentKey),
      evidence,
      cascade: root ? { root, rolledBack: this.deps.store.rollbackCascade(root) } : null,
      escalation: this.deps.store.escalation(pageId),
    };
  }
}

/** How the owner and the secondary contact appear in a page's messages (mentions when known). */
export interface PageLabels {
  owner: string;
  secondary: string | null;
}

export async function pageLabels(
  context: PageContext,
  recipients: Pick<SlackRecipients, 'label'>,
): Promise<PageLabels> {
  return {
    owner: await recipients.label(context.page.owner),
    secondary: context.escalation ? await recipients.label(context.escalation.secondary) : null,
  };
}

export function pageMessage(
  context: PageContext,
  audience: PageAudience,
  labels: PageLabels,
  consoleBaseUrl: string,
): SlackMessage {
  const { page, experiment } = context;
  return buildPageMessage({
    audience,
    page: {
      id: page.id,
      kind: page.kind,
      summary: page.summary,
      raisedAtMs: page.raisedAtMs,
      acknowledgedAtMs: page.acknowledgedAtMs,
      acknowledgedBy: page.acknowledgedBy,
    },
    experiment: experiment
      ? {
          key: experiment.key,
          title: experiment.title,
          state: experiment.state,
          version: experiment.version,
          stageIndex: experiment.stageIndex,
          stageCount: experiment.stageCount,
          exposurePercent: experiment.exposurePercent,
          team: experiment.team,
          service: experiment.service,
        }
      : null,
    experimentKey: page.experimentKey,
    evidence: context.evidence,
    cascade: context.cascade,
    escalation: context.escalation
      ? {
          to: labels.secondary ?? context.escalation.secondary,
          atMs: context.escalation.escalatedAtMs,
          afterMs: context.escalation.escalateAfterMs,
        }
      : null,
    owner: labels.owner,
    consoleBaseUrl,
  });
}
