import type { Incident } from '../../model/incident';
import { guide, type BrowserKind, type Os, type Step } from '../../core/present/guide';
import type { VerdictKind } from '../../model/verdict';
import type { GuideMarks } from '../../model/tab';

/**
 * The guide's steps for the popup's first paint: how many there are (the fold's title) and which
 * comes next (the answer's one action when no retry runs). Drawing them is guide-view.ts's work,
 * loaded with the other folds once the answer is on screen.
 */
export interface GuideContext {
  tabId: number;
  incident: Incident;
  verdict?: VerdictKind;
  verdictLine?: string;
  os: Os;
  browser: BrowserKind;
  statusPageUrl?: string;
  archiveUrl?: string;
  /** The tab is in a private window: "clear this site's data" is not offered (core/present/guide.ts). */
  incognito?: boolean;
  /** An automatic retry is already running for this tab: no need to offer starting one. */
  retrying?: boolean;
  /** The retry controls are shown elsewhere (the popup's one action): leave out the retry and wait steps. */
  hideRetrySteps?: boolean;
  onChange: () => void;
}

export interface GuidePlan {
  steps: Step[];
  /** The first step neither marked nor folded away. */
  nextId: Step['id'] | undefined;
  marks: GuideMarks;
}

/** `marks`: the visitor's marks on this tab's steps (read with the popup's state). */
export function guidePlan(ctx: GuideContext, marks: GuideMarks): GuidePlan {
  const steps = guide(ctx).filter((s) => !(ctx.hideRetrySteps && (s.id === 'retry' || s.id === 'wait')));
  return { steps, nextId: steps.find((s) => !marks[s.id] && !s.folded)?.id, marks };
}
