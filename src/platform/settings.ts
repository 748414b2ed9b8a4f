/** The visitor's settings; kept by the storage module like every other stored record. */
export { readSettings, writeSettings } from './storage';
