/// <reference types="vite/client" />
/// <reference types="@crxjs/vite-plugin/client" />
interface ImportMetaEnv {
  /** Build-time browser constant: true in the Firefox build. */
  readonly FIREFOX: boolean;
  /** Detects with webRequest (Firefox; and the benchmark's Chrome build of that design). */
  readonly WEBREQUEST: boolean;
  /** The crowd service's address (build setting DOWNCHECK_CROWD_URL, checked by core/crowd/service-url.ts); empty: none. */
  readonly CROWD_URL: string;
}
