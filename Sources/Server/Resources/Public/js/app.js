// The CellScribe page at start-up: connects the parts (gallery, scribbling, channels, training, review) and
// opens the project and image named in the address (#project/image), else where the user left off (workspace.js),
// else the first project.
//
// Modules build on each other in this order: api, state, ui (with the viewer) -> account, members -> scribbling,
// review -> channels, training -> gallery -> app. In accounts mode nothing loads before the user has signed in.
// Where a lower part needs a higher one's action (N for the next image, a refreshed gallery after training), it
// is handed over here.

import { api } from "./api.js";
import { state } from "./state.js";
import { guarded } from "./ui.js";
import { setupAccount, ensureSignedIn } from "./account.js";
import { setupMembers } from "./members.js";
import { setupScribbling } from "./scribbling.js";
import { setupChannels } from "./channels.js";
import { setupTraining } from "./training.js";
import { setupReview, nextImage, nextRegion } from "./review.js";
import { setupGallery, loadProjects, selectImage, refreshGallery } from "./gallery.js";
import { restoreWorkspace, keepWorkspace } from "./workspace.js";

setupAccount();
setupMembers();
setupGallery();
setupScribbling({ nextImage, nextRegion });
setupChannels();
setupTraining({ refreshGallery });
setupReview({ selectImage, refreshGallery });

const [hashProject, hashImage] = location.hash.slice(1).split("/");
guarded(async () => {
  await ensureSignedIn();
  state.training = (await api.info()).training;
  // The address names what to open; else where the user left off, in whichever browser.
  const workspace = hashProject ? null : await api.workspace();
  await loadProjects(hashProject || workspace?.projectID, hashImage || workspace?.imageID);
  if (workspace) restoreWorkspace(workspace);
  keepWorkspace();
})();
