import { GIVE_UP_CHOICES, validateSettings } from '../core/settings/settings';
import { type Settings, CONSENT_SOURCES, type Consent, type ConsentSource } from '../model/settings';
import { t, uiLanguage } from '../platform/i18n';
import * as store from '../platform/store';
import { consentItem, settingsItem } from '../core/settings/stored';
import { SENDS_SITE, validateConsent, withConsent, withoutSiteSources } from '../core/settings/consent';
import { requestSiteDataPermission } from '../platform/data-collection';
import { openExtensionPage } from '../platform/pages';
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
  bind();
  $('app').setAttribute('aria-busy', 'false');
}

void main().catch(showError);
