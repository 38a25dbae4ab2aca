/** granted: messages are sent; pending: held on the device until consent(true); denied: dropped. */
export type ConsentState = "granted" | "pending" | "denied";

/**
 * The state a client starts in. `requireConsent` is consent mode: nothing leaves the device (or
 * is stored on it) until consent(true). A Do Not Track / Global Privacy Control signal only counts
 * when the site chose to respect it; an explicit consent(true) later still wins, being the
 * visitor's own choice on this site.
 */
export const initialConsent = (requireConsent?: boolean, respectDnt?: boolean, optedOut = privacySignal()): ConsentState =>
  respectDnt && optedOut ? "denied" : requireConsent ? "pending" : "granted";

/** Whether the browser says its user opts out (DNT or GPC); false outside a browser. */
export function privacySignal(): boolean {
  const nav = globalThis.navigator as (Navigator & { globalPrivacyControl?: boolean }) | undefined;
  return nav?.doNotTrack == "1" || !!nav?.globalPrivacyControl;
}
