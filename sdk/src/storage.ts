/**
 * The storage the SDK persists its ids and retry queue in. Its shape is the Web Storage API's,
 * and every method may also answer with a promise, so `localStorage` and React Native's
 * `AsyncStorage` both fit as they are.
 */
export interface KeyValueStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** Storage for Node and for tests: lives as long as the process. */
export function memoryStorage(): KeyValueStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/** localStorage where there is one that works (it throws in some private modes), else memory. */
export function defaultStorage(): KeyValueStorage {
  try {
    const storage = globalThis.localStorage;
    storage.setItem("parcours_probe", "1");
    storage.removeItem("parcours_probe");
    return storage;
  } catch {
    return memoryStorage();
  }
}
