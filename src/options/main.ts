import { GIVE_UP_CHOICES, validateSettings } from '../core/settings/settings';
import { type Settings, CONSENT_SOURCES, type Consent, type ConsentSource } from '../model/settings';
import { t, uiLanguage } from '../platform/i18n';
import * as store from '../platform/store';
import { consentItem, settingsItem } from '../core/settings/stored';
import { SENDS_SITE, validateConsent, withConsent, withoutSiteSources } from '../core/settings/consent';
import { hasSiteDataPermission, requestSiteDataPermission } from '../platform/data-collection';
import { openExtensionPage } from '../platform/pages';
import { builtInServiceUrl } from '../platform/crowd-build';
import { crowdChoiceItem } from '../core/crowd/stored';
import { SERVICE_URL_PROBLEM_KEYS, serviceHost, withOptIn, withServiceAddress } from '../core/crowd/opt-in';
import type { CrowdChoice } from '../model/crowd';
import { h, localize } from '../ui/dom';

/**
 * Settings that apply the moment they are changed: no Save button to forget. Each change reads
 * the stored settings afresh and changes only its own field, so nothing the page does not show
 * (or another page changed meanwhile) is lost; the page then says "Saved".
 */
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const say = (text: string): void => void ($('status').textContent = text);

function showError(error: unknown): void {
  say(`${t('popup_error')} ${error instanceof Error ? error.message : String(error)}`);
}

/** The last hidden-site removal, for "Undo". */
let undo: { host: string; index: number } | undefined;

/**
 * Changes run one after another: two quick clicks would otherwise both read the same stored
 * settings and the second write would undo the first.
 */
let queue: Promise<unknown> = Promise.resolve();
function inTurn(work: () => Promise<void>): Promise<void> {
  const turn = queue.then(work);
  queue = turn.catch(() => undefined);
  return turn;
}

const update = (change: (stored: Settings) => Settings): Promise<void> =>
  inTurn(async () => {
    const next = validateSettings(change(await store.read(settingsItem)));
    await store.write(settingsItem, next);
    fill(next);
    say(t('options_saved'));
  });

/**
 * `asked`: Firefox's answer to its "browsing activity" permission, requested in the click itself
 * (requestSiteDataPermission); refused, the sources that send the site's name stay off.
 */
const updateConsent = (change: (stored: Consent) => Consent, asked: Promise<boolean> = Promise.resolve(true)): Promise<void> =>
  inTurn(async () => {
    const granted = await asked;
    const wanted = validateConsent(change(await store.read(consentItem)));
    const next = granted ? wanted : withoutSiteSources(wanted);
    await store.write(consentItem, next);
    fillConsent(next);
    say(t('options_saved'));
  });

/** The crowd service this build comes with (DOWNCHECK_CROWD_URL), if any. */
const BUILT_IN = builtInServiceUrl();
const all$ = (selector: string): HTMLElement[] => [...document.querySelectorAll<HTMLElement>(selector)];

/**
 * The crowd switch (here and on the first-run page), its one-sentence disclosure naming the service's host, and the
 * address field. Without any service the switch is disabled and says why; the first-run page does not offer it.
 */
function fillCrowd(choice: CrowdChoice): void {
  const host = serviceHost(choice, BUILT_IN);
  for (const box of all$('[data-crowd-switch]') as HTMLInputElement[]) {
    box.checked = choice.optIn;
    box.disabled = host === null;
  }
  for (const detail of all$('[data-crowd-detail]')) {
    detail.textContent = host === null ? '' : t('crowdOptInDetail', [host]);
    detail.hidden = host === null;
  }
  $('crowd-no-service').hidden = host !== null;
  $('welcome-crowd').hidden = host === null;
  const field = $<HTMLInputElement>('crowd-url');
  if (document.activeElement !== field) field.value = choice.serviceUrl ?? '';
  field.placeholder = BUILT_IN ?? 'https://';
  $('crowd-url-hint').textContent = BUILT_IN ? t('crowdUrlHintBuiltIn', [new URL(BUILT_IN).host]) : t('crowdUrlHintNone');
}

/** `asked`: Firefox's answer to its "browsing activity" permission, requested in the click itself; refused, it stays off. */
const updateCrowdOptIn = (on: boolean, asked: Promise<boolean>): Promise<void> =>
  inTurn(async () => {
    const granted = await asked;
    const next = withOptIn(await store.read(crowdChoiceItem), on, granted, BUILT_IN);
    await store.write(crowdChoiceItem, next);
    for (const note of all$('[data-crowd-refused]')) note.hidden = !on || granted;
    fillCrowd(next);
    say(t('options_saved'));
  });

/** A typed service address: saved in its normal form, or refused with its problem in words (nothing is stored then). */
const updateCrowdAddress = (text: string): Promise<void> =>
  inTurn(async () => {
    const field = $<HTMLInputElement>('crowd-url');
    const change = withServiceAddress(await store.read(crowdChoiceItem), text, BUILT_IN);
    const error = $('crowd-url-error');
    field.setAttribute('aria-invalid', String(!change.ok));
    error.hidden = change.ok;
    if (!change.ok) {
      error.textContent = t(SERVICE_URL_PROBLEM_KEYS[change.problem]);
      say('');
      return;
    }
    error.textContent = '';
    await store.write(crowdChoiceItem, change.choice);
    field.value = change.choice.serviceUrl ?? '';
    fillCrowd(change.choice);
    say(t('options_saved'));
  });

const lines = (id: string): string[] =>
  $<HTMLTextAreaElement>(id)
    .value.split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function fill(settings: Settings): void {
  $<HTMLInputElement>('auto-retry').checked = settings.autoRetry;
  $<HTMLInputElement>('notifications').checked = settings.notifications;
  $<HTMLInputElement>('panel').checked = settings.panel;
  const select = $<HTMLSelectElement>('give-up');
  select.replaceChildren(
    ...GIVE_UP_CHOICES.map((minutes) => {
      const option = h(
        'option',
        { value: minutes === null ? 'never' : String(minutes) },
        minutes === null ? t('options_give_up_never') : t('options_give_up_minutes', [String(minutes)]),
      );
      option.selected = minutes === settings.giveUpMinutes;
      return option;
    }),
  );
  // A list being typed into keeps what is typed; it shows what was kept once the visitor leaves it.
  for (const [id, list] of [
    ['always-sites', settings.alwaysRetry],
    ['never-sites', settings.neverRetry],
  ] as const) {
    if (document.activeElement !== $(id)) $<HTMLTextAreaElement>(id).value = list.join('\n');
  }
  const hidden = $('hidden-sites');
  hidden.replaceChildren(
    ...(settings.panelHidden.length
      ? settings.panelHidden.map((host, index) => {
          // Visible: "Show again"; heard: which site (the words after it are for screen readers only).
          const show = h(
            'button',
            { type: 'button', 'data-action': 'show-again', 'data-host': host },
            t('options_show_again'),
            h('span', { class: 'sr-only' }, ` (${host})`),
          );
          show.addEventListener('click', () => {
            undo = { host, index };
            void update((s) => ({ ...s, panelHidden: s.panelHidden.filter((x) => x !== host) }))
              .then(() => {
                $('undo-row').hidden = false;
                $('undo').textContent = t('options_undo_host', [host]);
                $('undo').focus();
              })
              .catch(showError);
          });
          return h('li', {}, h('span', { class: 'host' }, host), ' ', show);
        })
      : [h('li', { class: 'empty' }, t('options_hidden_none'))]),
  );
}

function fillConsent(consent: Consent): void {
  for (const source of CONSENT_SOURCES) $<HTMLInputElement>(`consent-${source}`).checked = consent[source];
}

function bind(): void {
  const run = (work: () => Promise<void>): void => void work().catch(showError);
  // Each control's value is read when it changes, not when its turn to be saved comes (by then
  // an earlier change may have redrawn the page from storage).
  for (const [id, field] of [
    ['auto-retry', 'autoRetry'],
    ['notifications', 'notifications'],
    ['panel', 'panel'],
  ] as const) {
    $(id).addEventListener('change', () => {
      const on = $<HTMLInputElement>(id).checked;
      run(() => update((s) => ({ ...s, [field]: on })));
    });
  }
  $('give-up').addEventListener('change', () => {
    const value = $<HTMLSelectElement>('give-up').value;
    run(() => update((s) => ({ ...s, giveUpMinutes: value === 'never' ? null : Number(value) })));
  });
  for (const [id, field] of [
    ['always-sites', 'alwaysRetry'],
    ['never-sites', 'neverRetry'],
  ] as const) {
    $(id).addEventListener('change', () => {
      const list = lines(id);
      run(() => update((s) => ({ ...s, [field]: list })));
    });
  }
  for (const source of CONSENT_SOURCES) {
    const box = $<HTMLInputElement>(`consent-${source}`);
    box.addEventListener('change', () => {
      const agreed = box.checked;
      const asked = agreed && SENDS_SITE.includes(source) ? requestSiteDataPermission() : undefined;
      run(() => updateConsent((c) => withConsent(c, source, agreed), asked));
    });
  }
  for (const box of all$('[data-crowd-switch]') as HTMLInputElement[]) {
    box.addEventListener('change', () => {
      const on = box.checked;
      // Firefox shows its permission prompt only from the visitor's action: asked now, in this event.
      const asked = on ? requestSiteDataPermission() : Promise.resolve(true);
      run(() => updateCrowdOptIn(on, asked));
    });
  }
  $('crowd-url').addEventListener('change', () => {
    const text = $<HTMLInputElement>('crowd-url').value;
    run(() => updateCrowdAddress(text));
  });
  $('undo').addEventListener('click', () => {
    const last = undo;
    if (!last) return;
    undo = undefined;
    $('undo-row').hidden = true;
    run(() =>
      update((s) => {
        const list = s.panelHidden.filter((x) => x !== last.host);
        list.splice(Math.min(last.index, list.length), 0, last.host);
        return { ...s, panelHidden: list };
      }),
    );
  });
  $('open-history').addEventListener('click', () => run(() => openExtensionPage('src/history/index.html')));
  // First run: one click gives or refuses, and is saved at once.
  const all = (agreed: boolean): Consent =>
    CONSENT_SOURCES.reduce((c: Consent, s: ConsentSource) => withConsent(c, s, agreed), validateConsent({}));
  const closeWelcome = (): void => void ($('welcome').hidden = true);
  $('welcome-allow-all').addEventListener('click', () => {
    const asked = requestSiteDataPermission();
    run(() => updateConsent(() => all(true), asked).then(closeWelcome));
  });
  $('welcome-not-now').addEventListener('click', () => run(() => updateConsent(() => all(false)).then(closeWelcome)));
  $('welcome-choose').addEventListener('click', () => {
    closeWelcome();
    $('consent-dns').focus();
    $('privacy-heading').scrollIntoView({ block: 'start' });
  });
}

async function main(): Promise<void> {
  document.documentElement.lang = uiLanguage();
  localize(document, t);
  // Opened on install: the consent question comes first, in plain words.
  if (new URLSearchParams(location.search).has('welcome')) $('welcome').hidden = false;
  fill(await store.read(settingsItem));
  fillConsent(await store.read(consentItem));
  const crowd = await store.read(crowdChoiceItem);
  // Firefox: "browsing activity" withdrawn in its add-on settings since: nothing is shared, so the switch says so.
  const withdrawn = crowd.optIn && !(await hasSiteDataPermission());
  fillCrowd(withdrawn ? { ...crowd, optIn: false } : crowd);
  for (const note of all$('[data-crowd-refused]')) note.hidden = !withdrawn;
  bind();
  $('app').setAttribute('aria-busy', 'false');
}

void main().catch(showError);
