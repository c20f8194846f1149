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

/** Runs an async action, showing server errors as readable messages instead of failing silently. */
export function guarded(action) {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      say(error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`, true);
      console.error(error);
    }
  };
}
