// Projects and their images: choosing and creating projects, uploading by drop or file picker, the image list,
// and opening an image (viewer, channels, scribbles, prediction).

import { api, urls } from "./api.js";
import { state } from "./state.js";
import { $, viewer, say, guarded } from "./ui.js";
import { renderBrushes, loadScribbles, flushScribbles } from "./scribbling.js";
import { renderChannels, resetZ } from "./channels.js";
import { refreshModels, loadPrediction, updateExports } from "./review.js";
import { attachJob, showProjectSettings } from "./training.js";
import { applyRole, canAnnotate } from "./members.js";

// ---------------------------------------------------------------- projects

/** Fills the project menu and opens project `selectID` (else the first) at image `imageID`; asks for one if none. */
export async function loadProjects(selectID, imageID) {
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
  showProjectSettings(project);
  renderBrushes();
  applyRole();
  await refreshGallery();
  await refreshModels();
  const jobs = await api.jobs(project.id);
  const active = jobs.find((j) => j.state === "running" || j.state === "queued");
  if (active) attachJob(active);
  const first = state.images.find((i) => i.id === imageID) ?? state.images[0];
  if (first) await selectImage(first.id);
  else say("Drop images on the left to upload them.");
}

// ---------------------------------------------------------------- images

/** Reloads the image list in the chosen order: thumbnail, name, status and mean uncertainty. */
export async function refreshGallery() {
  state.images = await api.images(state.project.id, $("sort").value);
  $("gallery").replaceChildren(...state.images.map(galleryItem));
}

function galleryItem(image) {
  const item = document.createElement("li");
  item.dataset.id = image.id;
  item.classList.toggle("selected", image.id === state.image?.id);
  const thumbnail = document.createElement("img");
  thumbnail.loading = "lazy";
  thumbnail.alt = image.name;
  thumbnail.src = urls.preview(image.id, 96);
  const meta = document.createElement("div");
  meta.className = "meta";
  const entropy = image.prediction?.meanEntropy;
  meta.innerHTML = `<div class="name"></div><span class="badge ${image.status}">${image.status}</span>`
    + (entropy === undefined ? "" : ` <span title="mean entropy">H ${entropy.toFixed(3)}</span>`);
  meta.querySelector(".name").textContent = image.name;
  item.append(thumbnail, meta);
  item.addEventListener("click", guarded(() => selectImage(image.id)));
  return item;
}

async function upload(files) {
  if (!state.project || files.length === 0) return;
  if (!canAnnotate()) {
    say("Your role in this project lets you look, not upload.");
    return;
  }
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

/** Opens image `id` (saving pending strokes first): viewer, channels, z slider, scribbles, then its prediction. */
export async function selectImage(id) {
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
  resetZ(depth);
  await loadScribbles(id);
  say(`${image.name}: ${image.shape.width}x${image.shape.height}${depth > 1 ? `x${depth}` : ""}, ${image.shape.channels} channel(s)`);
  updateExports();
  if (state.models.length > 0) await loadPrediction();
}

// ---------------------------------------------------------------- controls

/** Listens to the project menu and dialog, the sort order, the file picker and drops anywhere on the page. */
export function setupGallery() {
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
}
