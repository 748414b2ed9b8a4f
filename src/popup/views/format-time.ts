import { uiLanguage } from '../../platform/i18n';

/** A moment in the visitor's language, date and time. */
export function formatTime(time: number): string {
  try {
    return new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(time));
  } catch {
    return new Date(time).toISOString();
  }
}
