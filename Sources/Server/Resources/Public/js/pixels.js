// Pixel work of the viewer, as plain functions over typed arrays: grey values out of a decoded PNG, channels
// composited with their colours and contrast, 8-bit maps coloured for overlays, scribble labels as colours.

import { lookupTable, parseColour } from "./contrast.js";

export const CLASS_COLOURS = ["#ffd400", "#00e5ff", "#ff7ad9", "#7dff6b", "#ff9f1c", "#a78bfa"];
export const BACKGROUND_COLOUR = "#ff3b3b";

/** The red channel of a bitmap (grey PNGs decode to R = G = B). */
export function readGrey(bitmap) {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const data = new Uint8Array(bitmap.width * bitmap.height);
  for (let p = 0, q = 0; p < data.length; p++, q += 4) data[p] = rgba[q];
  return { data, width: bitmap.width, height: bitmap.height };
}

/** Opaque RGBA of `width` x `height` adding each grey tile in its channel's colour through its contrast window. */
export function compositeChannels(greys, width, height) {
  const pixels = new ImageData(width, height);
  const out = pixels.data;
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  for (const { grey, channel } of greys) {
    const table = lookupTable(channel.window);
    const [r, g, b] = parseColour(channel.colour);
    const data = grey.data;
    for (let p = 0, q = 0; p < data.length; p++, q += 4) {
      const v = table[data[p]];
      out[q] = Math.min(255, out[q] + v * r);
      out[q + 1] = Math.min(255, out[q + 1] + v * g);
      out[q + 2] = Math.min(255, out[q + 2] + v * b);
    }
  }
  return pixels;
}

/** RGBA of a grey map with each value coloured by `colourOf(value)` -> [r, g, b, a]. */
export function colourise(grey, colourOf) {
  const pixels = new ImageData(grey.width, grey.height);
  for (let p = 0, q = 0; p < grey.data.length; p++, q += 4) {
    const [r, g, b, a] = colourOf(grey.data[p]);
    pixels.data[q] = r; pixels.data[q + 1] = g; pixels.data[q + 2] = b; pixels.data[q + 3] = a;
  }
  return pixels;
}

/** RGBA of the scribble labels `values[offset + y * width + x]` inside x0..x1, y0..y1 (0 stays transparent). */
export function scribblePixels(values, offset, width, { x0, y0, x1, y1 }) {
  const pixels = new ImageData(x1 - x0, y1 - y0);
  const colours = [null, ...CLASS_COLOURS.map(parseColour)];
  const background = parseColour(BACKGROUND_COLOUR);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const value = values[offset + y * width + x];
      if (value === 0) continue;
      const colour = value === 255 ? background : colours[((value - 1) % CLASS_COLOURS.length) + 1];
      const q = ((y - y0) * (x1 - x0) + (x - x0)) * 4;
      pixels.data[q] = colour[0] * 255; pixels.data[q + 1] = colour[1] * 255; pixels.data[q + 2] = colour[2] * 255;
      pixels.data[q + 3] = 255;
    }
  }
  return pixels;
}
