// The soak and chaos runs (plain .mjs) keep their own copy of the per-tab record kinds, to count
// them and to find records left for closed tabs. A kind added to the extension must be added there.
import { describe, expect, it } from 'vitest';
import { TAB_ITEMS } from '../../../src/core/items';
import { TAB_RECORDS as soak } from '../../soak/state.mjs';

describe('soak state', () => {
  it('knows every per-tab record kind the extension stores', () => {
    expect([...soak].sort()).toEqual(TAB_ITEMS.map((item) => item.name).sort());
  });
});
