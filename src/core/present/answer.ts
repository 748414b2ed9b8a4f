import type { Incident, Msg } from '../../model/incident';
import type { VerdictKind } from '../diagnosis/verdict';
import { displayHost } from '../net/idn';

/**
 * The popup's answer, led by the verdict, in plain words: what the visitor most wants to know
 * ("is it me?"), before any code or diagnostic. Pure, so every state's wording is unit-tested.
 */
export type AnswerState =
  | 'checking'
  | 'down-for-everyone'
  | 'site-failing'
  | 'partly-down'
  | 'just-you-connection'
  | 'just-you-dns'
  | 'blocked-for-you'
  | 'back-up'
  | 'unreachable'
  | 'cant-tell';

export interface Answer {
  state: AnswerState;
  headline: Msg;
  /** One line under the headline: what happens next, never the same words as the headline. */
  sub?: Msg;
}

export interface AnswerInput {
  incident: Pick<Incident, 'host' | 'kind'>;
  /** The diagnosis' verdict, once its checks are done. */
  verdict?: VerdictKind | undefined;
  /** Whether any outside source (another vantage point, public DNS, the status page) contributed. */
  outside: boolean;
  /** An automatic retry is running for the tab (the site will be reloaded when it answers). */
  retrying: boolean;
  /**
   * The consent question ("Is it down for everyone?") is shown right under the answer: a sub-line
   * that only says outside services could tell is left to it (said once, and the popup stays
   * within its 600 px).
   */
  asking?: boolean;
}

/** Sub-lines that say no more than the consent question does. */
const ASKED_BY_CONSENT: ReadonlySet<string> = new Set(['answer_sub_ask_outside']);

export function answerFor(input: AnswerInput): Answer {
  const answer = answerOf(input);
  if (!input.asking || !answer.sub || !ASKED_BY_CONSENT.has(answer.sub.key)) return answer;
  return { state: answer.state, headline: answer.headline };
}

const m = (key: string, ...subs: string[]): Msg => (subs.length ? { key, subs } : { key });

function answerOf({ incident, verdict, outside, retrying }: AnswerInput): Answer {
  const host = displayHost(incident.host);
  const reload = retrying ? m('answer_sub_reload') : undefined;
  const withSub = (state: AnswerState, headline: Msg, sub: Msg | undefined): Answer =>
    sub ? { state, headline, sub } : { state, headline };
  switch (verdict) {
    case undefined:
      return { state: 'checking', headline: m('answer_checking', host), sub: m('answer_sub_checking') };
    case 'down-for-everyone':
      // "For everyone" only with evidence from outside the visitor's own connection.
      return outside
        ? withSub('down-for-everyone', m('answer_down_for_everyone', host), reload)
        : { state: 'site-failing', headline: m('answer_site_failing', host), sub: reload ?? m('answer_sub_ask_outside') };
    case 'partly-down':
      return withSub('partly-down', m('answer_partly_down', host), reload);
    // "Works for others" only with evidence from outside; without it, what the browser itself saw.
    case 'just-you-connection':
      return outside
        ? { state: 'just-you-connection', headline: m('answer_just_you_connection'), sub: m('answer_sub_connection', host) }
        : { state: 'just-you-connection', headline: m('answer_your_connection', host), sub: m('answer_sub_your_side') };
    case 'just-you-dns':
      return { state: 'just-you-dns', headline: m(outside ? 'answer_just_you_dns' : 'answer_your_dns', host), sub: m('answer_sub_dns') };
    case 'blocked-for-you':
      return {
        state: 'blocked-for-you',
        headline: m(outside ? 'answer_blocked_for_you' : 'answer_refuses_you', host),
        sub: m('answer_sub_blocked'),
      };
    case 'back-up':
      return { state: 'back-up', headline: m('answer_back_up', host), sub: m('answer_sub_back_up') };
    case 'cant-tell':
      if (incident.kind === 'network') return withSub('unreachable', m('answer_unreachable', host), reload ?? m('answer_sub_cant_tell'));
      return withSub('cant-tell', m('answer_cant_tell', host), reload ?? m('answer_sub_cant_tell'));
  }
}

export interface WaitingInput {
  incident: Pick<Incident, 'fault' | 'time'>;
  /** The diagnosis' verdict, once its checks are done. */
  verdict?: VerdictKind | undefined;
  /** When the site first failed (epoch ms), if known earlier than the incident, e.g. the retry's start. */
  since?: number | undefined;
  now: number;
}

/** Fault sides and verdicts that mean the site itself is failing: waiting (for its owners) is the fix. */
const SITE_SIDE_VERDICTS: ReadonlySet<VerdictKind> = new Set(['down-for-everyone', 'partly-down']);

/**
 * What to expect while waiting, for a failure on the site's side: most such outages end within minutes, after
 * 30 minutes it is for the site's owners to fix, and how long it has been down so far (from the first failure).
 * Nothing for failures on the visitor's side, or once a verdict says otherwise.
 */
export function waitingNote({ incident, verdict, since, now }: WaitingInput): Msg[] | undefined {
  const siteSide = verdict ? SITE_SIDE_VERDICTS.has(verdict) : incident.fault === 'origin' || incident.fault === 'gateway';
  if (!siteSide) return undefined;
  const first = since !== undefined && Number.isFinite(since) ? Math.min(since, incident.time) : incident.time;
  return [m('wait_expect'), downFor(now - first)];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "Down for 4 minutes": a duration in words, rounded down to its largest unit; clocks that went backwards count as zero. */
export function downFor(ms: number): Msg {
  const d = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  if (d < MINUTE) return m('wait_down_under_minute');
  if (d < HOUR) return d < 2 * MINUTE ? m('wait_down_minute') : m('wait_down_minutes', String(Math.floor(d / MINUTE)));
  if (d < DAY) return d < 2 * HOUR ? m('wait_down_hour') : m('wait_down_hours', String(Math.floor(d / HOUR)));
  return d < 2 * DAY ? m('wait_down_day') : m('wait_down_days', String(Math.floor(d / DAY)));
}
