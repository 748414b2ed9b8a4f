import type { DiagnosisRecord } from '../../model/diagnosis';
import { watchedSiteUrl } from '../../core/net/url';
import { displayHost } from '../../core/net/idn';
import { t } from '../../platform/i18n';
import { request } from '../../platform/message-client';
import { h } from '../../ui/dom';
import { actionButton } from '../kit/controls';
import { page, type Actions, type State } from '../kit/state';
import { formatTime } from './format-time';

/** The page the checked site's watch probes: what was typed, if it is the site checked; else its host name. */
const watchedUrl = (check: DiagnosisRecord | undefined): string | undefined =>
  check ? watchedSiteUrl(check.host, page.checkedInput) : undefined;

/** When the watch saw the checked site back, if that came after the check began: the news that replaces its verdict. */
export const backSinceCheck = (state: State, check: DiagnosisRecord): number | undefined =>
  state.watch?.state === 'back' && state.watch.endedAt !== undefined && state.watch.endedAt >= check.startedAt
    ? state.watch.endedAt
    : undefined;

/** The checked site came back while watched: said once, with when (the check's older verdict is no longer true). */
export function backView(check: DiagnosisRecord, at: number): HTMLElement {
  return h(
    'div',
    { class: 'verdict', 'data-testid': 'site-verdict', 'data-verdict': 'back-up', 'data-tone': 'back' },
    h(
      'p',
      { class: 'verdict-line' },
      h('strong', {}, t('verdict_back_up')),
      ' · ',
      h('time', { datetime: new Date(at).toISOString() }, formatTime(at)),
    ),
    h('p', { class: 'verdict-reason', 'data-testid': 'watch', 'data-watch': 'back' }, t('popup_watch_back', [displayHost(check.host)])),
  );
}

/** "Tell me when it's back" once a check found the site not answering; while watching, how to stop; then how it ended. */
export function watchControl(state: State, check: DiagnosisRecord, actions: Actions): HTMLElement | null {
  const url = watchedUrl(check);
  if (!url) return null;
  const watch = state.watch;
  const say = (key: string, ...extra: Array<HTMLElement | string | null>): HTMLElement =>
    h('p', { class: 'watch', 'data-testid': 'watch', 'data-watch': watch?.state ?? 'none' }, t(key, [displayHost(check.host)]), ...extra);
  if (watch?.state === 'watching' || watch?.state === 'offline')
    return say(
      'popup_watching',
      ' ',
      actionButton(t('popup_watch_stop'), 'unwatch', () => request('unwatch-site', { host: url }), false, actions),
    );
  if (!check.done || check.verdict.kind === 'back-up') return null;
  return h(
    'p',
    { class: 'watch', 'data-testid': 'watch', 'data-watch': watch?.state ?? 'none' },
    watch?.state === 'gave-up' ? h('span', { class: 'note' }, t('popup_watch_gave_up', [displayHost(check.host)]), ' ') : null,
    actionButton(t('popup_watch_button'), 'watch', () => request('watch-site', { host: url, private: page.inPrivate }), false, actions),
  );
}
