/// <reference types="vite/client" />
/// <reference types="@crxjs/vite-plugin/client" />
interface ImportMetaEnv {
  /** Build-time browser constant: true in the Firefox build. */
  readonly FIREFOX: boolean;
}
