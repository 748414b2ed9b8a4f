import type { Actions, State } from '../kit/state';

/** What the folds draw (./folds.ts), loaded after the first paint. */
export type Folds = typeof import('./folds');

/** What a view draws from: the state, the folds' contents once here, and the way to ask for them. */
export interface View {
  state: State;
  actions: Actions;
  folds: Folds | undefined;
  /** Loads the folds' contents (once), then redraws. */
  drawFolds(): Promise<void>;
}
