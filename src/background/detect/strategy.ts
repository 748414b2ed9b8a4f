/** A detection strategy (Firefox: webRequest; Chrome: webNavigation and a status read), as the worker starts and asks it. */
import type { DetectionFacts } from '../incident/observe';

export interface Detection extends DetectionFacts {
  /** Registers the strategy's listeners (synchronously, at the worker's top level). */
  start(report: (where: string) => (error: unknown) => void): void;
  /** The popup opened on a tab without an incident: look again. `true` if it has one now. */
  inspectTab(tabId: number): Promise<boolean>;
  /** At worker start, after resumeTabs: finish what the strategy heard before the worker was stopped. */
  resume?(): Promise<void>;
  /** A top frame told its new title (Chrome builds: the status read's title watch); `url` is the frame's, from the browser. */
  titleChanged?(tabId: number, url: string, title: string): Promise<boolean>;
}
