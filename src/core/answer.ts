import type { Incident, Msg } from '../shared/incident';
import type { VerdictKind } from './verdict';

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
}

const m = (key: string, ...subs: string[]): Msg => (subs.length ? { key, subs } : { key });

export function answerFor({ incident, verdict, outside, retrying }: AnswerInput): Answer {
  const host = incident.host;
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
