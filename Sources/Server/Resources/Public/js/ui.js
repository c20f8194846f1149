// What every part of the page shares on screen: element lookup, the status line, error reporting for async
// actions, and the one image viewer.

import { ApiError } from "./api.js";
import { Viewer } from "./viewer.js";

export const $ = (id) => document.getElementById(id);

export const viewer = new Viewer($("viewer"));

/** Shows `message` in the status line (red when `isError`). */
export function say(message, isError = false) {
  const status = $("status");
  status.textContent = message;
  status.title = message;
  status.classList.toggle("error", isError);
}

let signInNeeded = null;

/** What to do when the server answers 401 (the session ended): set by the account module. */
export function onSignInNeeded(handler) {
  signInNeeded = handler;
}

/** Runs an async action, showing server errors as readable messages instead of failing silently. */
export function guarded(action) {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && signInNeeded) return signInNeeded();
      say(error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`, true);
      console.error(error);
    }
  };
}
