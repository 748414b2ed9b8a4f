// The crowd service's own version, answered by /v1/health (the contract's version is the v in its paths).
export const SERVICE_VERSION = '1.0.0';
