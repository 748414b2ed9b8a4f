// Types for the parts of state.mjs that unit tests use (test/unit/soak/records.test.ts).
export declare const TAB_RECORDS: readonly string[];
