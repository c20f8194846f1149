// Undo/redo of scribble edits. Each edit records the pixels it changed (index, old value, new value), so undo and
// redo cost the size of the edit, not of the image. Pure: no DOM.

export class UndoStack {
  constructor(limit = 200) {
    this.done = [];
    this.undone = [];
    this.limit = limit;
  }

  /** Records an edit: `changes` is a Map of pixel index -> [before, after]. Empty edits are ignored. */
  push(changes) {
    if (changes.size === 0) return;
    this.done.push(changes);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  get canUndo() { return this.done.length > 0; }
  get canRedo() { return this.undone.length > 0; }

  /** Reverts the last edit in `values` (a Uint8Array); returns the edit or null. */
  undo(values) {
    const edit = this.done.pop();
    if (!edit) return null;
    for (const [index, [before]] of edit) values[index] = before;
    this.undone.push(edit);
    return edit;
  }

  /** Re-applies the last undone edit; returns it or null. */
  redo(values) {
    const edit = this.undone.pop();
    if (!edit) return null;
    for (const [index, [, after]] of edit) values[index] = after;
    this.done.push(edit);
    return edit;
  }

  clear() {
    this.done = [];
    this.undone = [];
  }
}

/** Paints a round brush of `radius` along the segment (x0, y0)-(x1, y1) into `values` (width x height) with
 * `value`, recording first-touch old values in `changes` (Map index -> [before, after]). */
export function paintSegment(values, width, height, x0, y0, x1, y1, radius, value, changes) {
  const length = Math.hypot(x1 - x0, y1 - y0);
  const steps = Math.max(1, Math.ceil(length / Math.max(0.5, radius / 2)));
  const r2 = radius * radius;
  for (let s = 0; s <= steps; s++) {
    const cx = x0 + ((x1 - x0) * s) / steps;
    const cy = y0 + ((y1 - y0) * s) / steps;
    const xa = Math.max(0, Math.floor(cx - radius));
    const xb = Math.min(width - 1, Math.ceil(cx + radius));
    const ya = Math.max(0, Math.floor(cy - radius));
    const yb = Math.min(height - 1, Math.ceil(cy + radius));
    for (let y = ya; y <= yb; y++) {
      for (let x = xa; x <= xb; x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        if (dx * dx + dy * dy > r2) continue;
        const index = y * width + x;
        if (values[index] === value) continue;
        const previous = changes.get(index);
        changes.set(index, [previous ? previous[0] : values[index], value]);
        values[index] = value;
      }
    }
  }
}
