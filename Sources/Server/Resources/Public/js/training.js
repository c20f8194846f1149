// Training: starting and stopping jobs, following a job's server-sent events (epochs, previews, its end),
// the live chart of loss and score, and the training previews of the open image.

import { api } from "./api.js";
import { TrainingChart } from "./chart.js";
import { state } from "./state.js";
import { $, say, guarded } from "./ui.js";
import { flushScribbles } from "./scribbling.js";
import { refreshModels, loadPrediction } from "./review.js";
import { canAnnotate } from "./members.js";

const chart = new TrainingChart($("chart"));

// The gallery's refresh, which builds on this module; given by setupTraining.
let refreshGallery = async () => {};

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

/**
 * Shows the training settings a job of `project` would use: the project's own, else the server's defaults, with
 * the server's limits on the inputs (all from `GET /api/info`, which takes them from their one owner).
 */
export function showProjectSettings(project) {
  const { limits, defaults } = state.training ?? { limits: {}, defaults: {} };
  const settings = { ...defaults, ...project.settings };
  for (const [id, field] of [["budget", "timeBudgetSeconds"], ["learning-rate", "learningRate"]]) {
    const input = $(id);
    if (limits[field]) Object.assign(input, { min: limits[field].minimum, max: limits[field].maximum });
    if (settings[field] !== undefined) input.value = settings[field];
  }
  $("fine-tune").checked = settings.fineTune ?? true;
}

/** Follows `job`: its epochs on the chart, previews of the open image, and its end (new model, refreshed views). */
export function attachJob(job) {
  state.events?.close();
  state.job = job;
  chart.clear();
  $("train").disabled = true;
  $("stop").disabled = !canAnnotate();
  $("job-status").textContent = `job ${job.state}`;
  const events = api.events(job.id, state.image?.id);
  state.events = events;
  events.addEventListener("epoch", (e) => showEpoch(JSON.parse(e.data)));
  events.addEventListener("preview", guarded(async (e) => {
    const preview = JSON.parse(e.data);
    if (preview.imageID === state.image?.id) await loadPrediction(preview.model);
  }));
  const finish = guarded(async (e) => {
    const final = JSON.parse(e.data);
    events.close();
    await finished(final);
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

function showEpoch(epoch) {
  chart.add(epoch);
  const eta = epoch.etaSeconds === undefined ? "" : `, ${Math.round(epoch.etaSeconds)} s left`;
  $("job-status").textContent = `epoch ${epoch.epoch}: loss ${epoch.trainingLoss.toFixed(4)}${eta}`;
}

/** The job ended (`job` is its final state): says how, and shows the new model's prediction. */
async function finished(job) {
  state.job = null;
  $("train").disabled = !canAnnotate();
  $("stop").disabled = true;
  $("job-status").textContent = `job ${job.state}${job.error ? `: ${job.error}` : ""}`;
  if (job.state === "failed") say(`Training failed: ${job.error}`, true);
  else say(`Training ${job.state}: model saved.`);
  await refreshModels();
  if (state.image) await loadPrediction();
  await refreshGallery();
}

/** Listens to the train and stop buttons; `refreshGallery` comes from the gallery. */
export function setupTraining(actions) {
  refreshGallery = actions.refreshGallery;
  $("train").addEventListener("click", guarded(train));
  $("stop").addEventListener("click", guarded(async () => { if (state.job) await api.stopJob(state.job.id); }));
}
