// What the worker keeps per tab beside its incident (storage.session, `<family>:<tabId>`).

/** A sub-frame's failure in the tab (the page itself loaded). */
export interface SubframeFailure {
  url: string;
  status?: number;
  error?: string;
  time: number;
}

/** The last successful main-frame response of a tab (to tell a soft error from a real one). */
export interface ResponseNote {
  url: string;
  status: number;
  at: number;
}

/** The visitor's done/didn't-help marks on guide steps, per tab. */
export type GuideMarks = Record<string, 'done' | 'failed'>;

/** A top-level failure the browser reported by an event, noted before it was recorded (TabRecord `failure`). */
export interface HeardFailure {
  url: string;
  /** The browser's error string (`net::ERR_CONNECTION_REFUSED`, …). */
  error: string;
  method: 'GET' | 'POST';
  time: number;
}
