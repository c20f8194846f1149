// Who is signed in: the sign-in dialog (accounts mode), the name and sign-out button in the header, and the
// dialog where a user makes and revokes personal API tokens for scripts and other clients. In single-user
// mode (loopback, no accounts) none of it shows.

import { api, ApiError } from "./api.js";
import { state } from "./state.js";
import { $, say, guarded, onSignInNeeded } from "./ui.js";

/** Resolves once the page may use the API: at once in single-user mode, else after a successful sign-in. */
export async function ensureSignedIn() {
  let session = await api.session();
  if (session.mode === "accounts" && !session.signedIn) session = await askToSignIn();
  showAccount(session);
  return session;
}

/** Shows the sign-in dialog until the name and password are accepted; resolves to the new session. */
function askToSignIn(message = "") {
  const dialog = $("login-dialog");
  $("login-error").textContent = message;
  return new Promise((resolve) => {
    const form = $("login-form");
    form.onsubmit = async (event) => {
      event.preventDefault();
      $("login-submit").disabled = true;
      try {
        const session = await api.login($("login-name").value, $("login-password").value);
        $("login-password").value = "";
        dialog.close();
        resolve(session);
      } catch (error) {
        $("login-error").textContent = error instanceof ApiError ? error.message : "the server cannot be reached";
      } finally {
        $("login-submit").disabled = false;
      }
    };
    if (!dialog.open) dialog.showModal();
    $("login-name").focus();
  });
}

function showAccount(session) {
  const accounts = session.mode === "accounts";
  state.accounts = accounts;
  state.userName = accounts ? session.user.name : null;
  $("account").hidden = !accounts;
  if (accounts) $("account-name").textContent = session.user.name;
}

async function refreshTokens() {
  const tokens = await api.tokens();
  $("token-list").replaceChildren(...tokens.map((token) => {
    const item = document.createElement("li");
    const expiry = token.expiresAt ? `expires ${token.expiresAt.slice(0, 10)}` : "no expiry";
    const used = token.lastUsedAt ? `last used ${token.lastUsedAt.slice(0, 10)}` : "never used";
    item.textContent = `${token.name} (${token.prefix}…, ${expiry}, ${used}) `;
    const revoke = document.createElement("button");
    revoke.textContent = "Revoke";
    revoke.onclick = guarded(async () => { await api.revokeToken(token.id); await refreshTokens(); });
    item.append(revoke);
    return item;
  }));
}

export function setupAccount() {
  // The sign-in dialog cannot be dismissed: without a session nothing else works.
  $("login-dialog").addEventListener("cancel", (event) => event.preventDefault());
  onSignInNeeded(async () => {
    await askToSignIn("Your session has ended; sign in again.");
    location.reload();
  });
  $("sign-out").onclick = guarded(async () => {
    await api.logout();
    location.reload();
  });
  $("tokens-button").onclick = guarded(async () => {
    $("new-token").hidden = true;
    await refreshTokens();
    $("tokens-dialog").showModal();
  });
  $("token-form").onsubmit = guarded(async (event) => {
    event.preventDefault();
    const days = Number($("token-days").value) || undefined;
    const created = await api.createToken($("token-name").value, days);
    $("new-token-value").value = created.token;
    $("new-token").hidden = false;
    $("token-name").value = "";
    await refreshTokens();
    say(`API token "${created.name}" created: copy it now, it is not shown again.`);
  });
}
