// Who the messages are about. The anonymous id lives in first-party storage so a returning
// visitor keeps it; in cookieless mode nothing is stored and each client starts a new one.

export interface Identity {
  anonymousId: string;
  userId?: string;
}

export const ANONYMOUS_ID_KEY = "parcours_aid";
export const USER_ID_KEY = "parcours_uid";

/**
 * Identify keeps the anonymous id, so the edge stitches the visitor's earlier anonymous events
 * to the user. A different user identifying on the same device gets a fresh anonymous id:
 * keeping it would merge two people.
 */
export function identified(identity: Identity, userId: string, newId: () => string): Identity {
  const anonymousId = identity.userId && identity.userId != userId ? newId() : identity.anonymousId;
  return { anonymousId, userId };
}

/** Alias links the current id (user id, else anonymous id) to a new user id. */
export function aliased(identity: Identity, userId: string): { identity: Identity; previousId: string } {
  return { identity: { ...identity, userId }, previousId: identity.userId || identity.anonymousId };
}
