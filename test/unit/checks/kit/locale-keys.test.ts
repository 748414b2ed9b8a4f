import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECK_LOCALE_KEYS, noneLocaleKey } from '../../../../src/checks/kit/locale-keys';
import { checkNameKey } from '../../../../src/core/diagnosis/check-names';
import { CHECK_IDS, NO_EVIDENCE_REASONS } from '../../../../src/model/evidence';
import { CONFIDENCE_KEYS, VERDICT_KEYS } from '../../../../src/core/present/verdict-text';

describe('message keys of the checks', () => {
  it('lists every key the checks write', () => {
    const dir = new URL('../../../../src/checks/', import.meta.url);
    const used = new Set<string>();
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('locale-keys.ts'));
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/'(check_[a-z_]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(20);
    for (const key of used) expect(CHECK_LOCALE_KEYS, key).toHaveProperty(key);
  });

  it('lists the no-evidence, check-name, verdict and confidence keys', () => {
    for (const reason of NO_EVIDENCE_REASONS) expect(CHECK_LOCALE_KEYS).toHaveProperty(noneLocaleKey(reason));
    for (const id of CHECK_IDS) expect(CHECK_LOCALE_KEYS).toHaveProperty(checkNameKey(id));
    for (const key of [...Object.values(VERDICT_KEYS), ...Object.values(CONFIDENCE_KEYS)]) expect(CHECK_LOCALE_KEYS).toHaveProperty(key);
  });
});
