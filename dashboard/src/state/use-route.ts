import { useEffect, useState } from "preact/hooks";
import { formatHash, parseHash, type Route } from "./route";

/** The current route, following hash changes (links, Back/Forward, edits of the address bar). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/**
 * Moves to a route. Typing in a field replaces the history entry (one Back undoes the whole
 * edit, not each keystroke); picking a view or an option pushes one.
 */
export function navigate(route: Route, replace = false): void {
  const hash = formatHash(route);
  if (hash === location.hash) return;
  if (replace) {
    history.replaceState(null, "", hash);
    dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = hash;
  }
}
