import { formatWait } from '../../core/present/retry-view';
import { displayHost } from '../../core/net/idn';
import { t } from '../../platform/i18n';
import { h } from '../../ui/dom';
import { CHECK_HOST, type Actions, type State } from '../kit/state';
import { checkSiteForm } from './check-site';
import { formatTime } from './format-time';

/** No incident on the tab: all is well (or it came back), and "check any site". */
export function healthyView(state: State, actions: Actions): HTMLElement[] {
  const recovery = state.recovery;
  return [
    h(
      'section',
      { class: 'answer healthy', 'data-testid': 'healthy', 'data-answer': recovery ? 'recovered' : 'healthy' },
      h(
        'h2',
        { class: 'headline', 'data-testid': 'answer' },
        CHECK_HOST
          ? t('answer_check_any', [CHECK_HOST])
          : recovery
            ? t('answer_recovered', [displayHost(recovery.host)])
            : t(state.isWeb ? 'popup_no_problem' : 'popup_not_web'),
      ),
      recovery
        ? h(
            'p',
            { class: 'sub recovered', 'data-testid': 'recovered' },
            t('popup_recovered_detail', [formatTime(recovery.at), formatWait((recovery.at - recovery.downSince) / 1000)]),
          )
        : null,
    ),
    h(
      'section',
      { class: 'check-any', 'aria-labelledby': 'check-heading' },
      h('h2', { id: 'check-heading', class: 'small-heading' }, t('popup_check_site')),
      checkSiteForm(state, actions),
    ),
  ];
}
