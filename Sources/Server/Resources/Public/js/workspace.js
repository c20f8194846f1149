// Where the user left off, kept on the server (GET/PUT /api/workspace) so that any browser they sign in from
// reopens the same project, image, slice, view and tool. Saved every few seconds when it changed, and when the
// page is left.

import { api } from "./api.js";
import { state } from "./state.js";
import { $, viewer } from "./ui.js";
import { setTool, setBrush } from "./scribbling.js";

const SAVE_EVERY_MS = 3000;
let lastSaved = "";

/** The workspace as the page shows it now (null before a project is open). */
function currentWorkspace() {
  if (!state.project) return null;
  const workspace = {
    projectID: state.project.id, tool: state.tool.kind, toolValue: state.tool.value, brush: state.brush,
  };
  if (state.image) {
    const center = viewer.viewport.center();
    workspace.imageID = state.image.id;
    workspace.z = Number($("z-slider").value) || 0;
    workspace.view = { centerX: Math.round(center.x * 10) / 10, centerY: Math.round(center.y * 10) / 10,
      scale: viewer.viewport.scale };
  }
  return workspace;
}

async function save() {
  const workspace = currentWorkspace();
  const text = JSON.stringify(workspace);
  if (!workspace || text === lastSaved) return;
  lastSaved = text;
  try {
    await api.saveWorkspace(workspace);
  } catch (_) {
    lastSaved = ""; // try again next time
  }
}

/** Applies a saved workspace's slice, view and tool once its image is open (the caller opened the project). */
export function restoreWorkspace(workspace) {
  if (state.project?.id !== workspace.projectID) return;
  if (workspace.tool) setTool(workspace.tool, workspace.toolValue ?? 0);
  if (workspace.brush) setBrush(workspace.brush);
  if (!state.image || state.image.id !== workspace.imageID) return;
  if (workspace.z && workspace.z < state.image.shape.depth) {
    $("z-slider").value = String(workspace.z);
    $("z-slider").dispatchEvent(new Event("input"));
  }
  if (workspace.view) {
    viewer.viewport.showCenter(workspace.view.centerX, workspace.view.centerY, workspace.view.scale);
    viewer.requestRender();
  }
}

/** Starts saving the workspace as the user works. */
export function keepWorkspace() {
  lastSaved = JSON.stringify(currentWorkspace());
  setInterval(save, SAVE_EVERY_MS);
  addEventListener("pagehide", save);
}
