// The image viewer: pyramid tiles composited from per-channel 8-bit tiles with each channel's colour and
// contrast, the scribble layer, and prediction overlays (probability, uncertainty, outlines, a region), all
// drawn through one Viewport. Tiles and composites are cached; drawing happens once per animation frame.

import { Viewport, levelCount } from "./viewport.js";
import { histogram, autoWindow } from "./contrast.js";
import { urls } from "./api.js";
import { readGrey, compositeChannels, colourise, scribblePixels, CLASS_COLOURS, BACKGROUND_COLOUR } from "./pixels.js";

export { CLASS_COLOURS, BACKGROUND_COLOUR };

const TILE = 256;
export const CHANNEL_COLOURS = ["#00ff00", "#ff00ff", "#00ffff", "#ffff00", "#ff0000", "#0000ff"];

export class Viewer {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.viewport = new Viewport();
    this.image = null;
    this.z = 0;
    this.channels = [];
    this.grey = new Map();       // "level/row/col/z/channel" -> {data, width, height} | Promise
    this.composed = new Map();   // "level/row/col/z" -> {bitmap, version}
    this.displayVersion = 0;
    this.scribbleCanvas = null;
    this.overlays = { probability: null, entropy: null, outlines: null, region: null };
    this.show = { probability: true, entropy: false, outlines: true };
    this.opacity = { probability: 0.4, entropy: 0.5, outlines: 0.9, scribbles: 0.85 };
    this.pending = false;
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.viewport.resize(width, height);
    this.requestRender();
  }

  /** Shows `image` (an Image DTO): fits it and resets channels, caches and overlays. */
  setImage(image) {
    this.image = image;
    this.z = 0;
    this.grey.clear();
    this.composed.clear();
    this.levels = levelCount(image.shape.width, image.shape.height);
    this.channels = Array.from({ length: image.shape.channels }, (_, c) => ({
      visible: true,
      colour: image.shape.channels === 1 ? "#ffffff" : CHANNEL_COLOURS[c % CHANNEL_COLOURS.length],
      window: { low: 0, high: 255 },
      automatic: true,
    }));
    this.overlays = { probability: null, entropy: null, outlines: null, region: null };
    this.scribbleCanvas = document.createElement("canvas");
    this.scribbleCanvas.width = image.shape.width;
    this.scribbleCanvas.height = image.shape.height;
    this.viewport.fit(image.shape.width, image.shape.height);
    this.requestRender();
  }

  setZ(z) {
    this.z = z;
    this.requestRender();
  }

  /** Channel display changed: recompose tiles. */
  channelsChanged() {
    this.displayVersion += 1;
    this.requestRender();
  }

  requestRender() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  render() {
    const ctx = this.context;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.image) return;
    const { scale, originX, originY } = this.viewport;
    ctx.setTransform(scale * ratio, 0, 0, scale * ratio, -originX * scale * ratio, -originY * scale * ratio);
    ctx.imageSmoothingEnabled = scale < 2;
    // The coarsest level first, as a backdrop while finer tiles load.
    this.drawLevel(this.levels - 1);
    const level = this.viewport.level(this.levels);
    if (level !== this.levels - 1) this.drawLevel(level);
    const { width, height } = this.image.shape;
    for (const name of ["probability", "entropy"]) {
      const overlay = this.overlays[name];
      if (!this.show[name] || !overlay || overlay.z !== this.z) continue;
      ctx.globalAlpha = this.opacity[name];
      ctx.drawImage(overlay.bitmap, 0, 0, width, height);
    }
    ctx.globalAlpha = this.opacity.scribbles;
    ctx.imageSmoothingEnabled = false;
    if (this.scribbleCanvas) ctx.drawImage(this.scribbleCanvas, 0, 0, width, height);
    ctx.globalAlpha = 1;
    if (this.show.outlines && this.overlays.outlines) this.drawOutlines(ctx, scale);
    if (this.overlays.region) {
      const r = this.overlays.region;
      ctx.strokeStyle = "#ff9f1c";
      ctx.lineWidth = 3 / scale;
      ctx.setLineDash([8 / scale, 6 / scale]);
      ctx.strokeRect(r.x, r.y, r.size, r.size);
      ctx.setLineDash([]);
    }
  }

  drawOutlines(ctx, scale) {
    ctx.globalAlpha = this.opacity.outlines;
    ctx.strokeStyle = "#4fb3ff";
    ctx.lineWidth = 1.5 / scale;
    ctx.beginPath();
    for (const outline of this.overlays.outlines) {
      const points = outline.points;
      if (points.length === 0) continue;
      ctx.moveTo(points[0][0], points[0][1]);
      for (let i = 1; i < points.length; i++) ctx.lineTo(points[i][0], points[i][1]);
      ctx.closePath();
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  /** Draws the tiles of `level` that cover the view, requesting missing ones. */
  drawLevel(level) {
    const factor = 2 ** level;
    const { width, height } = this.image.shape;
    const rect = this.viewport.visibleRect();
    const side = TILE * factor;
    const rows = Math.ceil(height / side);
    const columns = Math.ceil(width / side);
    const r0 = Math.max(0, Math.floor(rect.y0 / side));
    const r1 = Math.min(rows - 1, Math.floor(rect.y1 / side));
    const c0 = Math.max(0, Math.floor(rect.x0 / side));
    const c1 = Math.min(columns - 1, Math.floor(rect.x1 / side));
    for (let row = r0; row <= r1; row++) {
      for (let column = c0; column <= c1; column++) {
        const tile = this.composite(level, row, column);
        if (!tile) continue;
        this.context.drawImage(tile.bitmap, column * side, row * side, tile.width * factor, tile.height * factor);
      }
    }
  }

  /** The composed tile, or null while its channels load (a render follows when they arrive). */
  composite(level, row, column) {
    const key = `${level}/${row}/${column}/${this.z}`;
    const cached = this.composed.get(key);
    if (cached && cached.version === this.displayVersion && cached.bitmap) return cached;
    if (cached && cached.version === this.displayVersion && cached.building) return cached.previous ?? null;
    const greys = [];
    for (let c = 0; c < this.channels.length; c++) {
      if (!this.channels[c].visible) continue;
      const grey = this.greyTile(level, row, column, c);
      if (!grey || grey instanceof Promise) return cached?.bitmap ? cached : null;
      greys.push({ grey, channel: this.channels[c] });
    }
    const width = greys[0]?.grey.width ?? Math.min(TILE, Math.ceil(this.image.shape.width / 2 ** level) - column * TILE);
    const height = greys[0]?.grey.height ?? Math.min(TILE, Math.ceil(this.image.shape.height / 2 ** level) - row * TILE);
    const pixels = compositeChannels(greys, width, height);
    const entry = { version: this.displayVersion, building: true, previous: cached?.bitmap ? cached : null, width, height };
    this.composed.set(key, entry);
    createImageBitmap(pixels).then((bitmap) => {
      entry.bitmap = bitmap;
      entry.building = false;
      this.requestRender();
    });
    return entry.previous;
  }

  /** One channel of one tile as grey values, fetched once. */
  greyTile(level, row, column, channel) {
    const key = `${level}/${row}/${column}/${this.z}/${channel}`;
    const cached = this.grey.get(key);
    if (cached) return cached;
    const url = urls.tile(this.image.id, level, row, column, channel, this.z);
    const imageID = this.image.id;
    const promise = fetch(url)
      .then((response) => (response.ok ? response.blob() : Promise.reject(new Error(`tile ${response.status}`))))
      .then((blob) => createImageBitmap(blob))
      .then((bitmap) => {
        if (this.image?.id !== imageID) return;
        const grey = readGrey(bitmap);
        this.grey.set(key, grey);
        const state = this.channels[channel];
        if (state.automatic && level === this.levels - 1) {
          state.window = autoWindow(histogram(grey.data));
          this.onAutoContrast?.();
          this.displayVersion += 1;
        }
        this.requestRender();
      })
      .catch(() => this.grey.delete(key));
    this.grey.set(key, promise);
    return promise;
  }

  /** Loads a single-channel PNG map (8-bit) as an overlay coloured by `colourOf(value)` -> [r, g, b, a]. */
  async setOverlay(name, url, colourOf) {
    const response = await fetch(url);
    if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error ?? `overlay ${response.status}`);
    const pixels = colourise(readGrey(await createImageBitmap(await response.blob())), colourOf);
    this.overlays[name] = { bitmap: await createImageBitmap(pixels), z: this.z };
    this.requestRender();
  }

  /** Redraws the scribble layer of slice z from `values` within the image rectangle (all by default). */
  drawScribbles(values, rect) {
    if (!this.scribbleCanvas || !this.image) return;
    const { width, height } = this.image.shape;
    const x0 = Math.max(0, Math.floor(rect?.x0 ?? 0));
    const y0 = Math.max(0, Math.floor(rect?.y0 ?? 0));
    const x1 = Math.min(width, Math.ceil(rect?.x1 ?? width));
    const y1 = Math.min(height, Math.ceil(rect?.y1 ?? height));
    if (x1 <= x0 || y1 <= y0) return;
    const pixels = scribblePixels(values, this.z * width * height, width, { x0, y0, x1, y1 });
    this.scribbleCanvas.getContext("2d").putImageData(pixels, x0, y0);
    this.requestRender();
  }
}
