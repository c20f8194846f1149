// A project's members and the caller's role in it: the Members dialog (owners add people, change roles and
// remove them; every member may leave; the project's history from the audit log) and what the page lets a role do (viewers and reviewers see the data
// but the scribble, upload and training controls are disabled: the server refuses those with 403 anyway).

import { api } from "./api.js";
import { state } from "./state.js";
import { $, say, guarded } from "./ui.js";

const ROLES = ["owner", "annotator", "reviewer", "viewer"];

/** Whether the caller's role in the current project lets them change its data (upload, scribble, train). */
export function canAnnotate() {
  return !state.accounts || state.project?.role === "owner" || state.project?.role === "annotator";
}

/** Enables or disables the controls that change the project's data, for the current project's role. */
export function applyRole() {
  const annotate = canAnnotate();
  for (const id of ["train", "file-input", "undo", "redo", "tool-eraser"]) $(id).disabled = !annotate;
  for (const button of $("brushes").querySelectorAll("button")) button.disabled = !annotate;
  $("drop-zone").classList.toggle("disabled", !annotate);
  $("members-button").hidden = !state.accounts || !state.project;
  $("role").textContent = state.accounts && state.project ? `(${state.project.role})` : "";
}

async function refreshMembers() {
  const members = await api.members(state.project.id);
  const isOwner = state.project.role === "owner";
  $("add-member-form").hidden = !isOwner;
  $("member-list").replaceChildren(...members.map((member) => {
    const item = document.createElement("li");
    item.append(`${member.name} `);
    const role = document.createElement("select");
    role.append(...ROLES.map((r) => new Option(r, r)));
    role.value = member.role;
    role.disabled = !isOwner;
    role.onchange = guarded(async () => {
      await api.setMember(state.project.id, member.name, role.value);
      if (member.name === state.userName) {
        // An owner who stepped down: the page follows their new role at once.
        state.project = { ...state.project, role: role.value };
        applyRole();
      }
      await refreshDialog();
    });
    item.append(role);
    const isSelf = member.name === state.userName;
    if (isOwner || isSelf) {
      const remove = document.createElement("button");
      remove.textContent = isSelf ? "Leave" : "Remove";
      remove.onclick = guarded(async () => {
        await api.removeMember(state.project.id, member.name);
        if (isSelf) location.assign("/");
        else await refreshDialog();
      });
      item.append(" ", remove);
    }
    return item;
  }));
}

/** The project's latest changes: when, who, what. */
async function refreshHistory() {
  const entries = await api.audit(state.project.id);
  $("audit-list").replaceChildren(...entries.map((entry) => {
    const item = document.createElement("li");
    const when = new Date(entry.at).toLocaleString();
    item.textContent = `${when} ${entry.user}: ${entry.action}${entry.detail ? ` (${entry.detail})` : ""}`;
    return item;
  }));
}

function refreshDialog() {
  return Promise.all([refreshMembers(), refreshHistory()]);
}

export function setupMembers() {
  $("members-button").onclick = guarded(async () => {
    await refreshDialog();
    $("members-dialog").showModal();
  });
  $("add-member-form").onsubmit = guarded(async (event) => {
    event.preventDefault();
    const name = $("member-name").value.trim();
    await api.setMember(state.project.id, name, $("member-role").value);
    $("member-name").value = "";
    await refreshDialog();
    say(`${name} is now a member of ${state.project.name}.`);
  });
}
