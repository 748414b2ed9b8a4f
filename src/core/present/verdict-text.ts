import type { Incident } from '../../model/incident';
import type { Msg } from '../../model/message-text';
import { VERDICT_KINDS, type Confidence, type HistoryVerdictId, type VerdictKind } from '../../model/verdict';
import { displayHost } from '../net/idn';

/**
 * Everything the visitor reads of a verdict, from the one set of states (model/verdict.ts) and the two facts it is
 * always read with: whether outside evidence could contribute, and the incident's kind. Pure, so every wording is
 * unit-tested; the popup and the panel show the headline, the history its label.
 */

/** Which side the answer points at, for colour: the site's, the visitor's, back, or not known (yet). */
export type Tone = 'site' | 'you' | 'back' | 'unknown';

/** One way a verdict is said. `_locales` keys; the headline names the host ($1) unless `hostless`. */
interface Reading {
  /** What the history stores for it (its export's `verdict` column). */
  id: HistoryVerdictId;
  /** The short label: the history page and the verdict line. */
  label: string;
  headline: string;
  hostless?: true;
  /** The line under the headline (naming the host where `subHost`). */
  sub?: string;
  subHost?: true;
  /** While a retry runs, "Downcheck will reload it" comes first (it replaces `sub`). */
  reload?: true;
}

/**
 * The table. "For everyone" and "just you" need evidence from outside the visitor's own connection: without it
 * (`local`) the same finding is said for what the browser itself saw. `network`: a network failure's own wording.
 */
const READINGS: Readonly<Record<VerdictKind, { tone: Tone; outside: Reading; local?: Reading; network?: Reading }>> = {
  'down-for-everyone': {
    tone: 'site',
    outside: { id: 'down-for-everyone', label: 'verdict_down_for_everyone', headline: 'answer_down_for_everyone', reload: true },
    local: {
      id: 'site-failing',
      label: 'verdict_site_failing',
      headline: 'answer_site_failing',
      sub: 'answer_sub_ask_outside',
      reload: true,
    },
  },
  'partly-down': {
    tone: 'site',
    outside: { id: 'partly-down', label: 'verdict_partly_down', headline: 'answer_partly_down', reload: true },
  },
  'just-you-connection': {
    tone: 'you',
    outside: {
      id: 'just-you-connection',
      label: 'verdict_just_you_connection',
      headline: 'answer_just_you_connection',
      hostless: true,
      sub: 'answer_sub_connection',
      subHost: true,
    },
    local: { id: 'your-connection', label: 'verdict_your_connection', headline: 'answer_your_connection', sub: 'answer_sub_your_side' },
  },
  'just-you-dns': {
    tone: 'you',
    outside: { id: 'just-you-dns', label: 'verdict_just_you_dns', headline: 'answer_just_you_dns', sub: 'answer_sub_dns' },
    local: { id: 'your-dns', label: 'verdict_your_dns', headline: 'answer_your_dns', sub: 'answer_sub_dns' },
  },
  'blocked-for-you': {
    tone: 'you',
    outside: { id: 'blocked-for-you', label: 'verdict_blocked_for_you', headline: 'answer_blocked_for_you', sub: 'answer_sub_blocked' },
    local: { id: 'refuses-you', label: 'verdict_refuses_you', headline: 'answer_refuses_you', sub: 'answer_sub_blocked' },
  },
  'back-up': {
    tone: 'back',
    outside: { id: 'back-up', label: 'verdict_back_up', headline: 'answer_back_up', sub: 'answer_sub_back_up' },
  },
  'cant-tell': {
    tone: 'unknown',
    outside: { id: 'cant-tell', label: 'verdict_cant_tell', headline: 'answer_cant_tell', sub: 'answer_sub_cant_tell', reload: true },
    network: { id: 'cant-tell', label: 'verdict_cant_tell', headline: 'answer_unreachable', sub: 'answer_sub_cant_tell', reload: true },
  },
};

function readingOf(kind: VerdictKind, outside: boolean, incidentKind?: Incident['kind']): Reading {
  const row = READINGS[kind];
  if (incidentKind === 'network' && row.network) return row.network;
  return outside ? row.outside : (row.local ?? row.outside);
}

/** `_locales` keys for the verdict's long name (as said with outside evidence) and the confidence label. */
export const VERDICT_KEYS: Readonly<Record<VerdictKind, string>> = Object.freeze(
  Object.fromEntries(VERDICT_KINDS.map((kind) => [kind, READINGS[kind].outside.label])) as Record<VerdictKind, string>,
);
export const CONFIDENCE_KEYS: Readonly<Record<Confidence, string>> = Object.freeze({
  low: 'confidence_low',
  medium: 'confidence_medium',
  high: 'confidence_high',
});

export const toneOf = (kind: VerdictKind | undefined): Tone => (kind ? READINGS[kind].tone : 'unknown');

/** The verdict's short label as it may be said: "for everyone" and "just you" only with outside evidence. */
export const verdictLabel = (kind: VerdictKind, outside: boolean): Msg => ({ key: readingOf(kind, outside).label });

/** What the history stores for a verdict (the ids it has stored since 0.2, unchanged: its export's `verdict` column). */
export const historyVerdictId = (kind: VerdictKind, outside: boolean, incidentKind: Incident['kind']): HistoryVerdictId =>
  readingOf(kind, outside, incidentKind).id;

/** A stored id read back as a kind and `outside` (an id the kind keeps either way reads as outside), for its label. */
export function verdictOfHistoryId(id: HistoryVerdictId): { kind: VerdictKind; outside: boolean } {
  for (const outside of [true, false]) for (const kind of VERDICT_KINDS) if (readingOf(kind, outside).id === id) return { kind, outside };
  return { kind: 'cant-tell', outside: false }; // unreachable for a validated id: every id is some kind's reading
}

export interface HeadlineContext {
  host: string;
  /** Whether any outside source (another vantage point, public DNS, the status page) contributed. */
  outside: boolean;
  incidentKind: Incident['kind'];
  /** An automatic retry is running for the tab (the site will be reloaded when it answers). */
  retrying: boolean;
  /**
   * The consent question ("Is it down for everyone?") is shown right under the answer: a sub-line that only says
   * outside services could tell is left to it (said once, and the popup stays within its 600 px).
   */
  asking?: boolean;
}

export interface Headline {
  /** The verdict, or `undefined` while the checks run ("checking"). */
  kind: VerdictKind | undefined;
  tone: Tone;
  headline: Msg;
  /** One line under the headline: what happens next, never the same words as the headline. */
  sub?: Msg;
}

/** Sub-lines that say no more than the consent question does. */
const ASKED_BY_CONSENT: ReadonlySet<string> = new Set(['answer_sub_ask_outside']);

/** The popup's and the panel's answer, led by the verdict, in plain words: what the visitor most wants to know. */
export function headlineFor(kind: VerdictKind | undefined, ctx: HeadlineContext): Headline {
  const host = displayHost(ctx.host);
  if (kind === undefined)
    return { kind, tone: 'unknown', headline: { key: 'answer_checking', subs: [host] }, sub: { key: 'answer_sub_checking' } };
  const r = readingOf(kind, ctx.outside, ctx.incidentKind);
  const headline: Msg = r.hostless ? { key: r.headline } : { key: r.headline, subs: [host] };
  const subKey = r.reload && ctx.retrying ? 'answer_sub_reload' : r.sub;
  const out: Headline = { kind, tone: READINGS[kind].tone, headline };
  if (subKey && !(ctx.asking && ASKED_BY_CONSENT.has(subKey))) out.sub = r.subHost ? { key: subKey, subs: [host] } : { key: subKey };
  return out;
}
