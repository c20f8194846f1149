// A small line chart of training: loss per epoch (left scale, automatic) and the validation score (0..1).

export class TrainingChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.clear();
  }

  clear() {
    this.loss = [];
    this.score = [];
    this.scoreName = "score";
    this.draw();
  }

  add(epoch) {
    this.loss.push(epoch.trainingLoss);
    this.score.push(epoch.score ?? null);
    this.scoreName = epoch.scoreName || this.scoreName;
    this.draw();
  }

  draw() {
    const ctx = this.canvas.getContext("2d");
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    ctx.font = "11px system-ui";
    ctx.fillStyle = "#9aa3b2";
    if (this.loss.length === 0) {
      ctx.fillText("loss and validation score appear here", 8, height / 2);
      return;
    }
    const pad = 18;
    const n = Math.max(2, this.loss.length);
    const x = (i) => pad + ((width - 2 * pad) * i) / (n - 1);
    const finite = this.loss.filter(Number.isFinite);
    const top = Math.max(...finite) * 1.05 || 1;
    const series = (values, y, colour) => {
      ctx.strokeStyle = colour;
      ctx.beginPath();
      let started = false;
      values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        if (started) ctx.lineTo(x(i), y(v)); else ctx.moveTo(x(i), y(v));
        started = true;
      });
      ctx.stroke();
    };
    series(this.loss, (v) => height - pad - ((height - 2 * pad) * v) / top, "#ff9f1c");
    series(this.score, (v) => height - pad - (height - 2 * pad) * Math.max(0, Math.min(1, v)), "#4fb3ff");
    ctx.fillStyle = "#ff9f1c";
    ctx.fillText(`loss ${this.loss.at(-1).toFixed(4)}`, 4, 12);
    ctx.fillStyle = "#4fb3ff";
    const last = this.score.at(-1);
    ctx.fillText(`${this.scoreName} ${last === null ? "–" : last.toFixed(3)}`, width / 2, 12);
    ctx.fillStyle = "#9aa3b2";
    ctx.fillText(`epoch ${this.loss.length}`, width - 60, height - 4);
  }
}
