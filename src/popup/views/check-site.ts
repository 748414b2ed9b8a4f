import type { DiagnosisRecord } from '../../model/diagnosis';
import { CONSENT_SOURCES } from '../../model/settings';
import { displayHost } from '../../core/net/idn';
import { t } from '../../platform/i18n';
import { request } from '../../platform/message-client';
import { h } from '../../ui/dom';
import { showError } from '../kit/controls';
import { page, type Actions, type State } from '../kit/state';
import { verdictView } from './diagnosis';
import { backSinceCheck, backView, watchControl } from './watch';

/** "Check any site": the form, what it needs (consent), and the last check's result. */
export function checkSiteForm(state: State, actions: Actions): HTMLElement {
  const input = h('input', {
    type: 'text',
    id: 'check-host',
    inputmode: 'url',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'example.com',
  });
  input.value = page.typedHost;
  input.addEventListener('input', () => (page.typedHost = input.value));
  const form = h(
    'form',
    { class: 'check-site', 'data-testid': 'check-site' },
    h('label', { for: 'check-host' }, t('popup_check_site_label')),
    h('span', { class: 'row' }, input, h('button', { type: 'submit', class: 'primary' }, t('popup_check_button'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const host = input.value.trim();
    if (!host) return;
    page.checkedInput = host;
    // Only the sources the visitor allowed are asked; without any, the local checks still say whether it answers here.
    void request('check-site', { host, private: page.inPrivate }).catch(showError);
  });
  return h(
    'div',
    {},
    form,
    CONSENT_SOURCES.some((s) => state.consent[s]) ? null : h('p', { class: 'note' }, t('popup_check_site_consent')),
    state.siteCheck ? siteResult(state, state.siteCheck, actions) : null,
  );
}

/** The checked site: its verdict and the watch control, or, once the watch saw it back, that news instead. */
function siteResult(state: State, check: DiagnosisRecord, actions: Actions): HTMLElement {
  const back = backSinceCheck(state, check);
  return h(
    'div',
    { class: 'site-result' },
    h('p', { class: 'host' }, displayHost(check.host)),
    ...(back !== undefined ? [backView(check, back)] : [verdictView(check, 'site-verdict'), watchControl(state, check, actions)]),
  );
}
