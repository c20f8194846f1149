// The CellScribe page: projects, gallery and upload, the viewer with scribbling, training with live progress,
// review overlays and active learning. Everything goes through the JSON API (api.js).

import { api, ApiError } from "./api.js";
import { Viewer, CLASS_COLOURS, BACKGROUND_COLOUR } from "./viewer.js";
import { UndoStack, paintSegment } from "./undo.js";
import { TrainingChart } from "./chart.js";

const $ = (id) => document.getElementById(id);
const state = {
  project: null, images: [], image: null, models: [], model: "latest",
  scribbles: null, version: 0, dirty: false, saving: false, saveTimer: null,
  tool: { kind: "brush", value: 1 }, brush: 4, undo: new UndoStack(),
  job: null, events: null, threshold: null, regions: [], regionIndex: 0,
};
const viewer = new Viewer($("viewer"));
const chart = new TrainingChart($("chart"));

function say(message, isError = false) {
  const status = $("status");
  status.textContent = message;
  status.title = message;
  status.classList.toggle("error", isError);
}

/** Runs an async action, showing server errors as readable messages instead of failing silently. */
function guarded(action) {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      say(error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`, true);
      console.error(error);
    }
  };
}

// ---------------------------------------------------------------- projects and gallery

async function loadProjects(selectID, imageID) {
  const projects = await api.projects();
  const select = $("project-select");
  select.replaceChildren(...projects.map((p) => new Option(p.name, p.id)));
  if (projects.length === 0) {
    say("Create a project to start.");
    $("project-dialog").showModal();
    return;
  }
  const wanted = projects.find((p) => p.id === selectID) ?? projects[0];
  select.value = wanted.id;
  await selectProject(wanted, imageID);
}

async function selectProject(project, imageID) {
  await flushScribbles();
  state.project = project;
  renderBrushes();
  await refreshGallery();
  await refreshModels();
  const jobs = await api.jobs(project.id);
  const active = jobs.find((j) => j.state === "running" || j.state === "queued");
  if (active) attachJob(active);
  const first = state.images.find((i) => i.id === imageID) ?? state.images[0];
  if (first) await selectImage(first.id);
  else say("Drop images on the left to upload them.");
}

async function refreshGallery() {
  state.images = await api.images(state.project.id, $("sort").value);
  const list = $("gallery");
  list.replaceChildren(...state.images.map((image) => {
    const item = document.createElement("li");
    item.dataset.id = image.id;
    item.classList.toggle("selected", image.id === state.image?.id);
    const thumbnail = document.createElement("img");
    thumbnail.loading = "lazy";
    thumbnail.alt = image.name;
    thumbnail.src = `/api/images/${image.id}/preview?size=96`;
    const meta = document.createElement("div");
    meta.className = "meta";
    const entropy = image.prediction?.meanEntropy;
    meta.innerHTML = `<div class="name"></div><span class="badge ${image.status}">${image.status}</span>`
      + (entropy === undefined ? "" : ` <span title="mean entropy">H ${entropy.toFixed(3)}</span>`);
    meta.querySelector(".name").textContent = image.name;
    item.append(thumbnail, meta);
    item.addEventListener("click", guarded(() => selectImage(image.id)));
    return item;
  }));
}

async function refreshModels() {
  state.models = await api.models(state.project.id);
  const select = $("model-select");
  select.replaceChildren(new Option("latest", "latest"), ...state.models.map((m) => {
    const score = Object.entries(m.metrics).find(([k]) => k.includes("ap50") || k.includes("accuracy"));
    return new Option(`v${m.version}${score ? ` (${score[0]} ${score[1].toFixed(3)})` : ""}`, m.id);
  }));
  select.value = state.models.some((m) => m.id === state.model) ? state.model : "latest";
}

async function upload(files) {
  if (!state.project || files.length === 0) return;
  const progress = $("upload-progress");
  progress.hidden = false;
  say(`Uploading ${files.length} file(s)…`);
  try {
    const result = await api.upload(state.project.id, files, (f) => { progress.value = f; });
    say(`Uploaded ${result.images.length} image(s).`);
    await refreshGallery();
    if (!state.image && result.images[0]) await selectImage(result.images[0].id);
  } finally {
    progress.hidden = true;
  }
}

// ---------------------------------------------------------------- image, channels, scribbles

async function selectImage(id) {
  await flushScribbles();
  const image = await api.image(id);
  state.image = image;
  state.undo.clear();
  state.regions = [];
  state.regionIndex = 0;
  location.hash = `${state.project.id}/${image.id}`;
  for (const item of $("gallery").children) item.classList.toggle("selected", item.dataset.id === id);
  viewer.setImage(image);
  renderChannels();
  const depth = image.shape.depth;
  $("z-control").hidden = depth <= 1;
  $("z-slider").max = String(depth - 1);
  $("z-slider").value = "0";
  $("z-value").textContent = "0";
  const scribbles = await api.scribbles(id);
  state.scribbles = scribbles.values;
  state.version = scribbles.version;
  state.dirty = false;
  viewer.drawScribbles(state.scribbles);
  $("save-state").textContent = `saved (v${state.version})`;
  say(`${image.name}: ${image.shape.width}x${image.shape.height}${depth > 1 ? `x${depth}` : ""}, ${image.shape.channels} channel(s)`);
  updateExports();
  if (state.models.length > 0) await loadPrediction();
}

function renderChannels() {
  const names = state.project.channels;
  $("channels").replaceChildren(...viewer.channels.map((channel, c) => {
    const box = document.createElement("div");
    box.className = "channel";
    box.innerHTML = `<label><input type="checkbox" ${channel.visible ? "checked" : ""}> <span></span>
      <input type="color" value="${channel.colour}"></label>
      <label>low <input type="range" min="0" max="254" value="${channel.window.low}" data-bound="low"></label>
      <label>high <input type="range" min="1" max="255" value="${channel.window.high}" data-bound="high"></label>
      <button>Auto</button>`;
    box.querySelector("span").textContent = names[c] ?? `channel ${c}`;
    box.querySelector("input[type=checkbox]").addEventListener("change", (e) => { channel.visible = e.target.checked; viewer.channelsChanged(); });
    box.querySelector("input[type=color]").addEventListener("input", (e) => { channel.colour = e.target.value; viewer.channelsChanged(); });
    for (const slider of box.querySelectorAll("input[type=range]")) {
      slider.addEventListener("input", (e) => {
        channel.automatic = false;
        channel.window[e.target.dataset.bound] = Number(e.target.value);
        if (channel.window.high <= channel.window.low) channel.window.high = channel.window.low + 1;
        viewer.channelsChanged();
      });
    }
    box.querySelector("button").addEventListener("click", () => {
      channel.automatic = true;
      viewer.grey.clear();
      viewer.channelsChanged();
    });
    return box;
  }));
}
viewer.onAutoContrast = () => {
  for (const [c, box] of [...$("channels").children].entries()) {
    const channel = viewer.channels[c];
    if (!channel) continue;
    box.querySelector('[data-bound="low"]').value = channel.window.low;
    box.querySelector('[data-bound="high"]').value = channel.window.high;
  }
};

function renderBrushes() {
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

function setTool(kind, value = 0) {
  state.tool = { kind, value };
  for (const button of document.querySelectorAll("[data-tool]")) {
    const same = button.dataset.tool === kind && (kind !== "brush" || Number(button.dataset.value) === value);
    button.classList.toggle("active", same);
  }
  $("viewer").classList.toggle("panning", kind === "pan");
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
  const { depth, height, width } = image.shape;
  const shape = depth > 1 ? [depth, height, width] : [height, width];
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

async function flushScribbles() {
  clearTimeout(state.saveTimer);
  if (state.dirty) await guarded(saveScribbles)();
}

function applyEdit(edit) {
  if (!edit) return;
  const { width } = state.image.shape;
  const plane = width * state.image.shape.height;
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

// ---------------------------------------------------------------- pointer and keyboard

const canvas = $("viewer");
let drag = null;
let spaceHeld = false;

canvas.addEventListener("pointerdown", (event) => {
  if (!state.image) return;
  canvas.setPointerCapture(event.pointerId);
  const panning = state.tool.kind === "pan" || spaceHeld || event.button !== 0;
  if (panning) {
    drag = { kind: "pan", x: event.offsetX, y: event.offsetY };
    return;
  }
  const point = viewer.viewport.toImage(event.offsetX, event.offsetY);
  drag = { kind: "paint", last: point, changes: new Map() };
  paintTo(point);
});

canvas.addEventListener("pointermove", (event) => {
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
});

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
    const offset = viewer.z * state.image.shape.width * state.image.shape.height;
    state.undo.push(new Map([...drag.changes].map(([i, change]) => [i + offset, change])));
    scheduleSave();
  }
  drag = null;
}
canvas.addEventListener("pointerup", endDrag);
canvas.addEventListener("pointercancel", endDrag);
canvas.addEventListener("contextmenu", (event) => event.preventDefault());
canvas.addEventListener("wheel", (event) => {
  event.preventDefault();
  viewer.viewport.zoomAt(event.offsetX, event.offsetY, Math.exp(-event.deltaY * 0.0015));
  viewer.requestRender();
}, { passive: false });

document.addEventListener("keydown", (event) => {
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
});
document.addEventListener("keyup", (event) => {
  if (event.key === " ") {
    spaceHeld = false;
    canvas.classList.toggle("panning", state.tool.kind === "pan");
  }
});

function setBrush(size) {
  state.brush = Math.max(1, Math.min(40, size));
  $("brush-size").value = String(state.brush);
  $("brush-value").textContent = String(state.brush);
}

// ---------------------------------------------------------------- training

async function train() {
  await flushScribbles();
  const job = await api.startJob(state.project.id, {
    timeBudgetSeconds: Number($("budget").value),
    learningRate: Number($("learning-rate").value),
    fineTune: $("fine-tune").checked,
  });
  say("Training queued.");
  attachJob(job);
}

function attachJob(job) {
  state.events?.close();
  state.job = job;
  chart.clear();
  $("train").disabled = true;
  $("stop").disabled = false;
  $("job-status").textContent = `job ${job.state}`;
  const events = api.events(job.id, state.image?.id);
  state.events = events;
  events.addEventListener("epoch", (e) => {
    const epoch = JSON.parse(e.data);
    chart.add(epoch);
    const eta = epoch.etaSeconds === undefined ? "" : `, ${Math.round(epoch.etaSeconds)} s left`;
    $("job-status").textContent = `epoch ${epoch.epoch}: loss ${epoch.trainingLoss.toFixed(4)}${eta}`;
  });
  events.addEventListener("preview", guarded(async (e) => {
    const preview = JSON.parse(e.data);
    if (preview.imageID === state.image?.id) await loadPrediction(preview.model);
  }));
  const finish = guarded(async (e) => {
    const finished = JSON.parse(e.data);
    events.close();
    state.job = null;
    $("train").disabled = false;
    $("stop").disabled = true;
    $("job-status").textContent = `job ${finished.state}${finished.error ? `: ${finished.error}` : ""}`;
    if (finished.state === "failed") say(`Training failed: ${finished.error}`, true);
    else say(`Training ${finished.state}: model saved.`);
    await refreshModels();
    if (state.image) await loadPrediction();
    await refreshGallery();
  });
  events.addEventListener("finished", finish);
  // A job that ended before we subscribed: the stream holds only its state.
  events.addEventListener("state", (e) => {
    const current = JSON.parse(e.data);
    if (["finished", "failed", "stopped"].includes(current.state)) finish(e);
    else $("job-status").textContent = `job ${current.state}`;
  });
  events.onerror = () => {
    if (state.job === job) $("job-status").textContent = "reconnecting to the training events…";
  };
}

// ---------------------------------------------------------------- review

function predictionParams(model) {
  const params = { model: model ?? state.model };
  if (state.threshold !== null) params.threshold = String(state.threshold);
  return params;
}

async function loadPrediction(model) {
  if (!state.image) return;
  const image = state.image;
  const params = predictionParams(model);
  const prediction = await api.prediction(image.id, { ...params, outlines: "true", regions: "5" });
  if (state.image?.id !== image.id) return;
  viewer.overlays.outlines = prediction.outlines ?? null;
  state.regions = prediction.regions;
  state.regionIndex = 0;
  $("prediction-info").textContent = `${prediction.instances} cells, mean uncertainty ${prediction.meanEntropy?.toFixed(4) ?? "–"} (${prediction.model.startsWith("job:") ? "training preview" : "model"})`;
  if ($("threshold-value").textContent === "model's") $("threshold").value = String(prediction.foregroundThreshold);
  const query = new URLSearchParams({ ...params, z: String(viewer.z) });
  await viewer.setOverlay("probability", `/api/images/${image.id}/prediction/foreground.png?${query}`, (v) => [0, 255, 140, v]);
  await viewer.setOverlay("entropy", `/api/images/${image.id}/prediction/entropy.png?${query}`, (v) => [255, Math.max(0, 220 - v), 0, v]);
  updateExports();
}

function updateExports() {
  if (!state.image) return;
  const query = new URLSearchParams(predictionParams());
  const base = `/api/images/${state.image.id}/prediction`;
  $("export-labels").href = `${base}/labels.tif?${query}`;
  $("export-rois").href = `${base}/labels.zip?${query}`;
  $("export-csv").href = `${base}/measurements.csv?${query}`;
}

async function nextImage() {
  const next = await api.nextImage(state.project.id, state.image ? [state.image.id] : []);
  await selectImage(next.image.id);
  if (next.regions?.length) focusRegion(next.regions[0]);
  await refreshGallery();
  say(`Next: ${next.image.name}${next.meanEntropy === undefined ? "" : ` (mean uncertainty ${next.meanEntropy.toFixed(4)})`}`);
}

async function nextRegion() {
  if (!state.image) return;
  if (state.regions.length === 0) state.regions = await api.regions(state.image.id, { ...predictionParams(), count: "5" });
  if (state.regions.length === 0) return;
  focusRegion(state.regions[state.regionIndex % state.regions.length]);
  state.regionIndex += 1;
}

function focusRegion(region) {
  viewer.overlays.region = region;
  viewer.viewport.focus(region.x, region.y, region.size, region.size);
  viewer.requestRender();
}

// ---------------------------------------------------------------- controls

$("project-select").addEventListener("change", guarded(async (e) => {
  const projects = await api.projects();
  await selectProject(projects.find((p) => p.id === e.target.value));
}));
$("new-project").addEventListener("click", () => $("project-dialog").showModal());
$("project-form").addEventListener("submit", guarded(async (event) => {
  if (event.submitter?.value !== "create") return;
  const split = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
  const project = await api.createProject($("project-name").value, split($("project-channels").value), split($("project-classes").value));
  await loadProjects(project.id);
}));
$("sort").addEventListener("change", guarded(refreshGallery));
$("file-input").addEventListener("change", guarded(async (e) => {
  const files = [...e.target.files];
  e.target.value = "";
  await upload(files);
}));
const dropZone = $("drop-zone");
for (const target of [dropZone, document.body]) {
  target.addEventListener("dragover", (e) => { e.preventDefault(); dropZone.classList.add("over"); });
  target.addEventListener("dragleave", () => dropZone.classList.remove("over"));
  target.addEventListener("drop", guarded(async (e) => {
    e.preventDefault();
    dropZone.classList.remove("over");
    await upload([...e.dataTransfer.files]);
  }));
}
$("brush-size").addEventListener("input", (e) => setBrush(Number(e.target.value)));
$("undo").addEventListener("click", () => applyEdit(state.undo.undo(state.scribbles)));
$("redo").addEventListener("click", () => applyEdit(state.undo.redo(state.scribbles)));
$("train").addEventListener("click", guarded(train));
$("stop").addEventListener("click", guarded(async () => { if (state.job) await api.stopJob(state.job.id); }));
$("next-image").addEventListener("click", guarded(nextImage));
$("next-region").addEventListener("click", guarded(nextRegion));
$("model-select").addEventListener("change", guarded(async (e) => { state.model = e.target.value; await loadPrediction(); }));
$("threshold").addEventListener("change", guarded(async (e) => {
  state.threshold = Number(e.target.value);
  $("threshold-value").textContent = state.threshold.toFixed(2);
  await loadPrediction();
}));
for (const [name, box, slider] of [["probability", "show-probability", "probability-opacity"], ["outlines", "show-outlines", "outline-opacity"], ["entropy", "show-entropy", "entropy-opacity"]]) {
  $(box).addEventListener("change", (e) => { viewer.show[name] = e.target.checked; viewer.requestRender(); });
  $(slider).addEventListener("input", (e) => { viewer.opacity[name] = Number(e.target.value); viewer.requestRender(); });
}
$("z-slider").addEventListener("input", guarded(async (e) => {
  const z = Number(e.target.value);
  $("z-value").textContent = String(z);
  viewer.setZ(z);
  viewer.drawScribbles(state.scribbles);
  if (state.models.length > 0) await loadPrediction();
}));
window.addEventListener("beforeunload", (event) => {
  if (state.dirty) {
    saveScribbles();
    event.preventDefault();
  }
});

const [hashProject, hashImage] = location.hash.slice(1).split("/");
guarded(() => loadProjects(hashProject, hashImage))();
