/** Whether the browser believes it is online, and when that changes. Works in a worker and an event page. */
export function isOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

export function onConnectivityChanged(listener: (online: boolean) => void): void {
  globalThis.addEventListener?.('online', () => listener(true));
  globalThis.addEventListener?.('offline', () => listener(false));
}
