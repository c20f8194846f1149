// Reviewing predictions: the model versions, the overlays (probability, uncertainty, outlines) with their
// switches and opacities, the threshold slider, active learning (next image, next uncertain region) and the
// export links.

import { api, urls } from "./api.js";
import { state, predictionParams } from "./state.js";
import { $, viewer, say, guarded } from "./ui.js";

// The gallery's actions, which build on this module; given by setupReview.
let gallery = { selectImage: async () => {}, refreshGallery: async () => {} };

/** Fills the model menu with "latest" and each version with its score; keeps the choice when it still exists. */
export async function refreshModels() {
  state.models = await api.models(state.project.id);
  const select = $("model-select");
  select.replaceChildren(new Option("latest", "latest"), ...state.models.map((m) => {
    const score = Object.entries(m.metrics).find(([k]) => k.includes("ap50") || k.includes("accuracy"));
    return new Option(`v${m.version}${score ? ` (${score[0]} ${score[1].toFixed(3)})` : ""}`, m.id);
  }));
  select.value = state.models.some((m) => m.id === state.model) ? state.model : "latest";
}

/** Shows the prediction of `model` (default: the chosen one) for the open image: outlines, maps, summary. */
export async function loadPrediction(model) {
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
  const query = { ...params, z: String(viewer.z) };
  await viewer.setOverlay("probability", urls.predictionMap(image.id, "foreground", query), (v) => [0, 255, 140, v]);
  await viewer.setOverlay("entropy", urls.predictionMap(image.id, "entropy", query), (v) => [255, Math.max(0, 220 - v), 0, v]);
  updateExports();
}

/** Points the export links at the open image's prediction with the chosen model and threshold. */
export function updateExports() {
  if (!state.image) return;
  const params = predictionParams();
  $("export-labels").href = urls.predictionExport(state.image.id, "labels.tif", params);
  $("export-rois").href = urls.predictionExport(state.image.id, "labels.zip", params);
  $("export-csv").href = urls.predictionExport(state.image.id, "measurements.csv", params);
}

/** Opens the image the server suggests scribbling next, focused on its most uncertain region. */
export async function nextImage() {
  const next = await api.nextImage(state.project.id, state.image ? [state.image.id] : []);
  await gallery.selectImage(next.image.id);
  if (next.regions?.length) focusRegion(next.regions[0]);
  await gallery.refreshGallery();
  say(`Next: ${next.image.name}${next.meanEntropy === undefined ? "" : ` (mean uncertainty ${next.meanEntropy.toFixed(4)})`}`);
}

/** Steps through the open image's most uncertain regions. */
export async function nextRegion() {
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

/** Listens to the review controls; `selectImage` and `refreshGallery` come from the gallery. */
export function setupReview({ selectImage, refreshGallery }) {
  gallery = { selectImage, refreshGallery };
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
}
