/**
 * The random attribute that marks the in-page panel's host (core/present/panel-host.ts draws it): letters only,
 * a valid attribute name and CSS identifier, with nothing fixed for a page to look for.
 */
export const HOST_MARK = /^[a-z]{16}$/;
