// How the open image is displayed: one control per channel (visible, colour, contrast window, automatic
// contrast) and the z slider of stacks.

import { state } from "./state.js";
import { $, viewer, guarded } from "./ui.js";
import { loadPrediction } from "./review.js";

/** One control box per channel of the open image, named after the project's channels. */
export function renderChannels() {
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

/** Shows the z slider for stacks of `depth` slices (hidden for single planes), at slice 0. */
export function resetZ(depth) {
  $("z-control").hidden = depth <= 1;
  $("z-slider").max = String(depth - 1);
  $("z-slider").value = "0";
  $("z-value").textContent = "0";
}

/** Moves the window sliders to the contrast the viewer chose automatically. */
function showAutoContrast() {
  for (const [c, box] of [...$("channels").children].entries()) {
    const channel = viewer.channels[c];
    if (!channel) continue;
    box.querySelector('[data-bound="low"]').value = channel.window.low;
    box.querySelector('[data-bound="high"]').value = channel.window.high;
  }
}

/** Listens to the viewer's automatic contrast and to the z slider. */
export function setupChannels() {
  viewer.onAutoContrast = showAutoContrast;
  $("z-slider").addEventListener("input", guarded(async (e) => {
    const z = Number(e.target.value);
    $("z-value").textContent = String(z);
    viewer.setZ(z);
    viewer.drawScribbles(state.scribbles);
    if (state.models.length > 0) await loadPrediction();
  }));
}
