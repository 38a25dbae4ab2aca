import { useEffect, useState } from "preact/hooks";

export interface FetchState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

/**
 * Runs `load` whenever `key` changes. A response for an older key is dropped, so a slow answer
 * to a previous filter never overwrites the current one.
 */
export function useFetch<T>(load: () => Promise<T>, key: string): FetchState<T> {
  const [state, setState] = useState<FetchState<T>>({ data: undefined, error: undefined, loading: true });
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: Error) => current && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  return state;
}
