// The page's one shared state: the current project and image, the scribbles being edited and their saving,
// the tool and brush, the training job, and the review settings. Plain data and small readers; no DOM work.

import { UndoStack } from "./undo.js";

export const state = {
  project: null, images: [], image: null, models: [], model: "latest",
  scribbles: null, version: 0, dirty: false, saving: false, saveTimer: null,
  tool: { kind: "brush", value: 1 }, brush: 4, undo: new UndoStack(),
  job: null, events: null, threshold: null, regions: [], regionIndex: 0,
  // The server's training limits and defaults (GET /api/info).
  training: null,
  // Accounts mode (else single-user) and the signed-in user's name.
  accounts: false, userName: null,
};

/** The query of a prediction request: the chosen model (or `model`) and the threshold once one is set. */
export function predictionParams(model) {
  const params = { model: model ?? state.model };
  if (state.threshold !== null) params.threshold = String(state.threshold);
  return params;
}

/** The scribbles' array shape for the server: [depth, height, width] for stacks, else [height, width]. */
export function scribbleShape(image) {
  const { depth, height, width } = image.shape;
  return depth > 1 ? [depth, height, width] : [height, width];
}

/** The number of pixels in one z slice of the current image. */
export function planeSize() {
  return state.image.shape.width * state.image.shape.height;
}
