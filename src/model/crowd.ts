/** The visitor's choice about the crowd (core/crowd/choice.ts validates it on every read): its own opt-in, off by default. */
export interface CrowdChoice {
  /** "Share and see outage reports from other Downcheck users": a literal `true` only. */
  optIn: boolean;
  /** A service address typed on the options page (normal form); `null` = the build's own, if it has one. */
  serviceUrl: string | null;
  /** The visitor answered the question (either way): the popup does not offer it again. Absent = not yet. */
  decided?: true;
}
