import { GIVE_UP_CHOICES, validateSettings, type Settings } from '../core/settings';
import { t, uiLanguage } from '../platform/i18n';
import { readSettings, writeSettings } from '../platform/settings';
import { CONSENT_SOURCES, validateConsent, type Consent } from '../core/consent';
import { readConsent, writeConsent } from '../platform/consent';
import { h, localize } from '../ui/dom';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function fill(settings: Settings): void {
  $<HTMLInputElement>('auto-retry').checked = settings.autoRetry;
  $<HTMLInputElement>('auto-retry').setAttribute('aria-describedby', 'auto-retry-hint');
  const select = $<HTMLSelectElement>('give-up');
  select.replaceChildren(
    ...GIVE_UP_CHOICES.map((minutes) => {
      const option = h('option', { value: minutes === null ? 'never' : String(minutes) }, minutes === null ? t('options_give_up_never') : t('options_give_up_minutes', [String(minutes)]));
      option.selected = minutes === settings.giveUpMinutes;
      return option;
    }),
  );
  $<HTMLTextAreaElement>('always-sites').value = settings.alwaysRetry.join('\n');
  $<HTMLTextAreaElement>('never-sites').value = settings.neverRetry.join('\n');
}

const lines = (id: string): string[] =>
  $<HTMLTextAreaElement>(id)
    .value.split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The form's fields over the stored settings: what the page does not show (the panel's hidden sites) is kept. */
function read(stored: Settings): Settings {
  const giveUp = $<HTMLSelectElement>('give-up').value;
  return validateSettings({
    ...stored,
    autoRetry: $<HTMLInputElement>('auto-retry').checked,
    giveUpMinutes: giveUp === 'never' ? null : Number(giveUp),
    alwaysRetry: lines('always-sites'),
    neverRetry: lines('never-sites'),
  });
}

function fillConsent(consent: Consent): void {
  for (const source of CONSENT_SOURCES) $<HTMLInputElement>(`consent-${source}`).checked = consent[source];
}

const readConsentForm = (): Consent =>
  validateConsent(Object.fromEntries(CONSENT_SOURCES.map((source) => [source, $<HTMLInputElement>(`consent-${source}`).checked])));

async function main(): Promise<void> {
  document.documentElement.lang = uiLanguage();
  localize(document, t);
  // Opened on install: the consent question comes first, in plain words.
  if (new URLSearchParams(location.search).has('welcome')) $('welcome').hidden = false;
  fill(await readSettings());
  fillConsent(await readConsent());
  $('save').addEventListener('click', () => {
    void readSettings()
      .then(async (stored) => {
        const settings = read(stored);
        await Promise.all([writeSettings(settings), writeConsent(readConsentForm())]);
        fill(settings); // shows what was kept: invalid host names are dropped
        $('status').textContent = t('options_saved');
      })
      .catch((error: unknown) => console.error('Downcheck options:', error));
  });
  $('app').setAttribute('aria-busy', 'false');
}

void main();
