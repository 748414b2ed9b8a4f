import type { CheckId } from '../../model/evidence';

/** The `_locales` key of a check's name: `check_name_status_page` for `status-page`. */
export const checkNameKey = (check: CheckId): string => `check_name_${check.replace(/-/g, '_')}`;
