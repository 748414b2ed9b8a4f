/// <reference types="vite/client" />
interface ImportMetaEnv {
  /** Build-time browser constant: true in the Firefox build. */
  readonly FIREFOX: boolean;
}
