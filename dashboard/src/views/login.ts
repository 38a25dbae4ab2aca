import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { ApiError, type Client } from "../api/client";
import type { SignedIn } from "../api/types";

/** Nothing is shown before this: the token is a site read token or the admin token. */
export function Login({ client, onLogin }: { client: Client; onLogin: (session: SignedIn) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      const session = await client.login(token.trim());
      if (session.sites.length === 0) setError("This token gives access to no site.");
      else onLogin(session);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? "That token was refused." : `Login failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return html`<main class="login">
    <form class="card" onSubmit=${submit}>
      <h1>Parcours</h1>
      <p class="hint">Sign in with your site's read token, or the admin token to see every site.</p>
      <label for="token">Access token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${token} onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} />
      ${error && html`<p class="notice error" role="alert">${error}</p>`}
      <button type="submit" disabled=${busy || !token.trim()}>${busy ? "Signing in…" : "Sign in"}</button>
    </form>
  </main>`;
}
