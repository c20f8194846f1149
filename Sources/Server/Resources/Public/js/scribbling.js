// Scribbling on the open image: the tools (class brushes, background, eraser, pan), the brush size, painting
// and panning with the pointer, the keyboard shortcuts, undo and redo, and autosave with conflict detection
// (the server answers 412 when the scribbles changed since they were loaded).

import { api, ApiError } from "./api.js";
import { CLASS_COLOURS, BACKGROUND_COLOUR } from "./viewer.js";
import { paintSegment } from "./undo.js";
import { state, scribbleShape, planeSize } from "./state.js";
import { $, viewer, say, guarded } from "./ui.js";
import { canAnnotate } from "./members.js";

const canvas = $("viewer");
let drag = null;
let spaceHeld = false;

// ---------------------------------------------------------------- tools and brush

/** One button per class of the project, then the background brush; selects class 1. */
export function renderBrushes() {
  const classes = state.project.classes;
  const buttons = classes.map((name, k) => {
    const button = document.createElement("button");
    button.dataset.tool = "brush";
    button.dataset.value = String(k + 1);
    button.title = `${name} (${k + 1})`;
    button.innerHTML = `<span class="swatch" style="background:${CLASS_COLOURS[k % CLASS_COLOURS.length]}"></span>`;
    button.append(name);
    return button;
  });
  const background = document.createElement("button");
  background.dataset.tool = "brush";
  background.dataset.value = "255";
  background.title = "Background (B)";
  background.innerHTML = `<span class="swatch" style="background:${BACKGROUND_COLOUR}"></span>background`;
  $("brushes").replaceChildren(...buttons, background);
  for (const button of document.querySelectorAll("[data-tool]")) {
    button.onclick = () => setTool(button.dataset.tool, Number(button.dataset.value ?? 0));
  }
  setTool("brush", 1);
}

/** Chooses the brush (with its scribble value), the eraser or panning. */
export function setTool(kind, value = 0) {
  state.tool = { kind, value };
  for (const button of document.querySelectorAll("[data-tool]")) {
    const same = button.dataset.tool === kind && (kind !== "brush" || Number(button.dataset.value) === value);
    button.classList.toggle("active", same);
  }
  $("viewer").classList.toggle("panning", kind === "pan");
}

/** Sets the brush size, image pixels (1 to 40). */
export function setBrush(size) {
  state.brush = Math.max(1, Math.min(40, size));
  $("brush-size").value = String(state.brush);
  $("brush-value").textContent = String(state.brush);
}

// ---------------------------------------------------------------- loading and saving

/** Loads the scribbles of image `id` into the state and the viewer. */
export async function loadScribbles(id) {
  const scribbles = await api.scribbles(id);
  state.scribbles = scribbles.values;
  state.version = scribbles.version;
  state.dirty = false;
  viewer.drawScribbles(state.scribbles);
  $("save-state").textContent = `saved (v${state.version})`;
}

function scheduleSave() {
  state.dirty = true;
  $("save-state").textContent = "unsaved…";
  clearTimeout(state.saveTimer);
  state.saveTimer = setTimeout(guarded(saveScribbles), 800);
}

async function saveScribbles() {
  if (!state.dirty || !state.image) return;
  if (state.saving) { scheduleSave(); return; }
  state.saving = true;
  const image = state.image;
  const shape = scribbleShape(image);
  try {
    state.dirty = false;
    const updated = await api.saveScribbles(image.id, state.version, state.scribbles, shape);
    if (state.image?.id === image.id) state.version = updated.scribbles.version;
    $("save-state").textContent = `saved (v${updated.scribbles.version})`;
  } catch (error) {
    if (error instanceof ApiError && error.status === 412) {
      $("save-state").textContent = "conflict";
      say("These scribbles were changed elsewhere since you loaded them; your strokes were not saved. Reload the image to see the other version.", true);
    } else {
      state.dirty = true;
      $("save-state").textContent = "not saved";
      throw error;
    }
  } finally {
    state.saving = false;
  }
}

/** Saves pending strokes now (before the image, the project or the training data changes). */
export async function flushScribbles() {
  clearTimeout(state.saveTimer);
  if (state.dirty) await guarded(saveScribbles)();
}

/** Redraws the pixels an undo or redo changed and saves them. */
function applyEdit(edit) {
  if (!edit) return;
  const { width } = state.image.shape;
  const plane = planeSize();
  let rect = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (const index of edit.keys()) {
    const within = index % plane;
    const x = within % width;
    const y = Math.floor(within / width);
    rect = { x0: Math.min(rect.x0, x), y0: Math.min(rect.y0, y), x1: Math.max(rect.x1, x + 1), y1: Math.max(rect.y1, y + 1) };
  }
  viewer.drawScribbles(state.scribbles, rect);
  scheduleSave();
}

// ---------------------------------------------------------------- pointer

function pointerDown(event) {
  if (!state.image) return;
  canvas.setPointerCapture(event.pointerId);
  const panning = state.tool.kind === "pan" || spaceHeld || event.button !== 0;
  if (panning) {
    drag = { kind: "pan", x: event.offsetX, y: event.offsetY };
    return;
  }
  if (!canAnnotate()) {
    say("Your role in this project lets you look, not scribble.");
    return;
  }
  const point = viewer.viewport.toImage(event.offsetX, event.offsetY);
  drag = { kind: "paint", last: point, changes: new Map() };
  paintTo(point);
}

function pointerMove(event) {
  if (!state.image) return;
  const point = viewer.viewport.toImage(event.offsetX, event.offsetY);
  $("viewer-info").textContent = `x ${Math.floor(point.x)}  y ${Math.floor(point.y)}  zoom ${(viewer.viewport.scale * 100).toFixed(0)}%`;
  if (!drag) return;
  if (drag.kind === "pan") {
    viewer.viewport.panBy(event.offsetX - drag.x, event.offsetY - drag.y);
    drag.x = event.offsetX;
    drag.y = event.offsetY;
    viewer.requestRender();
  } else {
    paintTo(point);
  }
}

function paintTo(point) {
  const { width, height } = state.image.shape;
  const plane = state.scribbles.subarray(viewer.z * width * height, (viewer.z + 1) * width * height);
  const value = state.tool.kind === "eraser" ? 0 : state.tool.value;
  paintSegment(plane, width, height, drag.last.x, drag.last.y, point.x, point.y, state.brush / 2, value, drag.changes);
  const r = state.brush;
  viewer.drawScribbles(state.scribbles, {
    x0: Math.min(drag.last.x, point.x) - r, y0: Math.min(drag.last.y, point.y) - r,
    x1: Math.max(drag.last.x, point.x) + r, y1: Math.max(drag.last.y, point.y) + r,
  });
  drag.last = point;
}

function endDrag() {
  if (drag?.kind === "paint" && drag.changes.size > 0) {
    const offset = viewer.z * planeSize();
    state.undo.push(new Map([...drag.changes].map(([i, change]) => [i + offset, change])));
    scheduleSave();
  }
  drag = null;
}

function wheel(event) {
  event.preventDefault();
  viewer.viewport.zoomAt(event.offsetX, event.offsetY, Math.exp(-event.deltaY * 0.0015));
  viewer.requestRender();
}

// ---------------------------------------------------------------- keyboard

function keyDown(event, { nextImage, nextRegion }) {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  const key = event.key.toLowerCase();
  if ((event.ctrlKey || event.metaKey) && key === "z") {
    event.preventDefault();
    applyEdit(event.shiftKey ? state.undo.redo(state.scribbles) : state.undo.undo(state.scribbles));
  } else if ((event.ctrlKey || event.metaKey) && key === "y") {
    event.preventDefault();
    applyEdit(state.undo.redo(state.scribbles));
  } else if (key === " ") {
    spaceHeld = true;
    canvas.classList.add("panning");
    event.preventDefault();
  } else if (/^[1-9]$/.test(key) && Number(key) <= (state.project?.classes.length ?? 0)) setTool("brush", Number(key));
  else if (key === "b") setTool("brush", 255);
  else if (key === "e") setTool("eraser");
  else if (key === "p") setTool("pan");
  else if (key === "[" || key === "]") setBrush(state.brush + (key === "]" ? 1 : -1));
  else if (key === "n") guarded(nextImage)();
  else if (key === "r") guarded(nextRegion)();
  else if (key === "f" && state.image) { viewer.viewport.fit(state.image.shape.width, state.image.shape.height); viewer.requestRender(); }
}

function keyUp(event) {
  if (event.key === " ") {
    spaceHeld = false;
    canvas.classList.toggle("panning", state.tool.kind === "pan");
  }
}

// ---------------------------------------------------------------- wiring

/** Listens to the canvas, the keyboard and the scribble controls; N and R run `nextImage` and `nextRegion`. */
export function setupScribbling({ nextImage, nextRegion }) {
  canvas.addEventListener("pointerdown", pointerDown);
  canvas.addEventListener("pointermove", pointerMove);
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);
  canvas.addEventListener("contextmenu", (event) => event.preventDefault());
  canvas.addEventListener("wheel", wheel, { passive: false });
  document.addEventListener("keydown", (event) => keyDown(event, { nextImage, nextRegion }));
  document.addEventListener("keyup", keyUp);
  $("brush-size").addEventListener("input", (e) => setBrush(Number(e.target.value)));
  $("undo").addEventListener("click", () => applyEdit(state.undo.undo(state.scribbles)));
  $("redo").addEventListener("click", () => applyEdit(state.undo.redo(state.scribbles)));
  window.addEventListener("beforeunload", (event) => {
    if (state.dirty) {
      saveScribbles();
      event.preventDefault();
    }
  });
}
