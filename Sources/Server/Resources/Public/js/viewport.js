// Pan and zoom: the mapping between image pixels and canvas (CSS) pixels. Pure: no DOM.
// screen = (image - origin) * scale, where origin is the image point at the canvas's top-left corner.

export class Viewport {
  constructor(width = 1, height = 1) {
    this.originX = 0;
    this.originY = 0;
    this.scale = 1;
    this.minScale = 1 / 64;
    this.maxScale = 64;
    this.canvasWidth = width;
    this.canvasHeight = height;
  }

  resize(width, height) {
    this.canvasWidth = width;
    this.canvasHeight = height;
  }

  /** Image coordinates of a canvas point. */
  toImage(x, y) {
    return { x: this.originX + x / this.scale, y: this.originY + y / this.scale };
  }

  /** Canvas coordinates of an image point. */
  toScreen(x, y) {
    return { x: (x - this.originX) * this.scale, y: (y - this.originY) * this.scale };
  }

  /** The image point at the canvas's centre. */
  center() {
    return this.toImage(this.canvasWidth / 2, this.canvasHeight / 2);
  }

  /** Shows image point (x, y) at the canvas's centre at zoom `scale` (clamped to the zoom range). */
  showCenter(x, y, scale) {
    this.scale = clamp(scale, this.minScale, this.maxScale);
    this.originX = x - this.canvasWidth / 2 / this.scale;
    this.originY = y - this.canvasHeight / 2 / this.scale;
  }

  /** Fits an image of width x height into the canvas, centred. */
  fit(width, height) {
    this.scale = Math.min(this.canvasWidth / width, this.canvasHeight / height) * 0.95;
    this.scale = clamp(this.scale, this.minScale, this.maxScale);
    this.originX = width / 2 - this.canvasWidth / 2 / this.scale;
    this.originY = height / 2 - this.canvasHeight / 2 / this.scale;
  }

  /** Zooms by `factor` keeping the image point under canvas point (x, y) fixed. */
  zoomAt(x, y, factor) {
    const anchor = this.toImage(x, y);
    this.scale = clamp(this.scale * factor, this.minScale, this.maxScale);
    this.originX = anchor.x - x / this.scale;
    this.originY = anchor.y - y / this.scale;
  }

  /** Moves the view by a drag of (dx, dy) canvas pixels. */
  panBy(dx, dy) {
    this.originX -= dx / this.scale;
    this.originY -= dy / this.scale;
  }

  /** Centres the view on an image rectangle, zoomed so it fills about half the canvas. */
  focus(x, y, width, height) {
    this.scale = clamp(Math.min(this.canvasWidth / width, this.canvasHeight / height) * 0.5, this.minScale, this.maxScale);
    this.originX = x + width / 2 - this.canvasWidth / 2 / this.scale;
    this.originY = y + height / 2 - this.canvasHeight / 2 / this.scale;
  }

  /** The pyramid level whose resolution suits the current scale (level k halves k times). */
  level(levelCount) {
    let level = 0;
    while (level + 1 < levelCount && this.scale <= 0.5 / 2 ** level) level += 1;
    return level;
  }

  /** Image-space rectangle visible on the canvas. */
  visibleRect() {
    const a = this.toImage(0, 0);
    const b = this.toImage(this.canvasWidth, this.canvasHeight);
    return { x0: a.x, y0: a.y, x1: b.x, y1: b.y };
  }
}

export function clamp(value, low, high) {
  return Math.max(low, Math.min(high, value));
}

/** Pyramid levels for an image, as the server counts them (256-pixel tiles). */
export function levelCount(width, height, tileSide = 256) {
  let levels = 1;
  let side = Math.max(width, height);
  while (side > tileSide) {
    side = Math.ceil(side / 2);
    levels += 1;
  }
  return levels;
}
