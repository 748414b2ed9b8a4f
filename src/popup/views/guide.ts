import type { Incident } from '../../model/incident';
import { chainFor } from '../../core/diagnosis/chain';
import type { Step, StepAction } from '../../core/present/guide';
import type { VerdictKind } from '../../model/verdict';
import { supportReport } from '../../core/present/report';
import { t, uiLanguage } from '../../platform/i18n';
import { request } from '../../platform/message-client';
import { requestClearingPermission } from '../../platform/clearing-permission';
import type { GuideMarks } from '../../model/tab';
import type { GuideContext, GuidePlan } from './guide-plan';
import { chainSvg } from '../../ui/chain-svg';
import { h } from '../../ui/dom';

/**
 * What the last action of each step said ("Cleared this site's cached data…"), kept across the
 * redraws that the action itself causes (a reload changes storage), so the visitor gets to read it.
 */
const results = new Map<string, string>();

/** You → DNS → gateway → site, failing link marked. */
export function chainView(incident: Incident, verdict?: VerdictKind): HTMLElement {
  const nodes = chainFor(incident, verdict);
  const labels = nodes.map((n) => t(n.label));
  const failed = nodes.filter((n) => n.state === 'failed').map((n) => t(n.label));
  const description = t('chain_description', [
    labels.join(' → ') + (failed.length ? ` (${t('chain_failed_at', [failed.join(', ')])})` : ''),
  ]);
  const figure = h('figure', { class: 'chain-figure' });
  figure.append(chainSvg(nodes, labels, description));
  return figure;
}

/** The guide's steps, the next one open. */
export function guideView(plan: GuidePlan, ctx: GuideContext): HTMLElement {
  const list = h('ol', { class: 'guide', 'data-testid': 'guide' });
  for (const step of plan.steps) list.append(stepView(step, step.id === plan.nextId, plan.marks, ctx));
  return h('section', { class: 'guide-section', 'aria-label': t('guide_heading') }, list);
}

function stepView(step: Step, isNext: boolean, marks: GuideMarks, ctx: GuideContext): HTMLElement {
  const mark = marks[step.id];
  const details = h('details', {
    class: `step${mark ? ` marked-${mark}` : ''}`,
    'data-step': step.id,
    ...(isNext ? { 'data-next': '' } : {}),
  });
  details.open = isNext;
  details.append(
    h(
      'summary',
      {},
      h('span', { class: 'step-title' }, t(step.title)),
      isNext ? h('span', { class: 'badge-next' }, t('guide_next')) : null,
      mark
        ? h(
            'span',
            { class: `mark mark-${mark}`, role: 'img', 'aria-label': t(mark === 'done' ? 'guide_marked_done' : 'guide_marked_failed') },
            mark === 'done' ? '✓' : '✗',
          )
        : null,
    ),
    ...step.body.map((msg) => h('p', {}, t(msg))),
  );
  if (step.code?.length) details.append(h('pre', { class: 'code-block' }, step.code.join('\n')));
  const resultKey = `${ctx.tabId}:${step.id}`;
  const status = h('p', { class: 'action-status', role: 'status', 'data-step-status': step.id }, results.get(resultKey) ?? '');
  const report = (message: string): void => {
    results.set(resultKey, message);
    status.textContent = message;
  };
  const shown = step.actions.filter((a) => !(a.kind === 'auto-retry' && ctx.retrying));
  const actions = h('div', { class: 'actions' }, ...shown.map((a) => actionView(a, ctx, report)));
  if (step.id === 'contact') details.append(reportBox(ctx));
  if (shown.length) details.append(actions, status);
  return h('li', {}, details);
}

function reportText(ctx: GuideContext): string {
  return supportReport({
    incident: ctx.incident,
    ...(ctx.verdictLine ? { verdictLine: ctx.verdictLine } : {}),
    now: Date.now(),
    localTime: (time) => new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium', timeStyle: 'long' }).format(new Date(time)),
    tr: (key, subs) => t(key, subs),
  });
}

function reportBox(ctx: GuideContext): HTMLElement {
  const area = h('textarea', { readonly: '', rows: '8', class: 'report', 'data-testid': 'report', 'aria-label': t('step_contact_title') });
  area.value = reportText(ctx);
  return area;
}

/**
 * Clears the tab's site data, asking the browser for `browsingData` first: in this click, before
 * anything is awaited (no prompt without a user action). Refused: nothing is cleared, and it says so.
 */
async function clearSiteData(tabId: number, cookies: boolean): Promise<string> {
  if (!(await requestClearingPermission())) return t('action_clear_refused');
  const result = await request('clear-site-data', { tabId, cookies });
  return t(result.cacheLimitedToSite ? 'action_cleared' : 'action_cleared_firefox');
}

function actionView(action: StepAction, ctx: GuideContext, report: (message: string) => void): HTMLElement {
  const run = (label: string, work: () => Promise<string | void>, primary = false, testId: string = action.kind): HTMLButtonElement => {
    const b = h('button', { type: 'button', class: primary ? 'primary' : '', 'data-action': testId }, label);
    b.addEventListener('click', () => {
      b.disabled = true;
      void work()
        .then((message) => {
          if (message) report(message);
        })
        .catch((error: unknown) => report(`${t('popup_error')} ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => (b.disabled = false));
    });
    return b;
  };
  switch (action.kind) {
    case 'retry-now':
      return run(t('action_retry_now'), async () => void (await request('retry-now', { tabId: ctx.tabId })), true);
    case 'auto-retry':
      return run(t('action_auto_retry'), async () => void (await request('start-retry', { tabId: ctx.tabId }).then(ctx.onChange)));
    case 'clear-cache':
      return run(t('action_clear_cache'), () => clearSiteData(ctx.tabId, false));
    case 'clear-cookies': {
      // Two steps: the first click only reveals the warning and the real button.
      const wrap = h('span', {});
      const confirm = run(t('action_clear_cookies_confirm'), () => clearSiteData(ctx.tabId, true), false, 'clear-cookies-confirm');
      const ask = h('button', { type: 'button', 'data-action': 'clear-cookies' }, t('action_clear_cookies'));
      ask.addEventListener('click', () => {
        wrap.replaceChildren(h('span', { class: 'warning', role: 'alert' }, t('step_cookies_warning')), ' ', confirm);
        confirm.focus();
      });
      wrap.append(ask);
      return wrap;
    }
    case 'open-url':
      return run(t('action_open_url'), async () => void (await request('open-url', { tabId: ctx.tabId, url: action.url })));
    case 'open-browser-settings':
      return run(t('action_open_browser_settings'), async () => void (await request('open-url', { tabId: ctx.tabId, url: action.url })));
    case 'copy-report':
      return run(t('action_copy_report'), async () => {
        await navigator.clipboard.writeText(reportText(ctx));
        return t('action_copied');
      });
  }
}
