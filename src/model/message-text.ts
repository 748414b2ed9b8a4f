/** A localisable message: an `_locales` key plus its substitutions. Core never holds translated text. */
export interface Msg {
  key: string;
  subs?: string[];
}
