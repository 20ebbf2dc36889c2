/** A small dependency-free SVG line chart: panels side by side, each with its own y axis. */

export interface Point {
  readonly x: number;
  readonly y: number;
  /** Optional whisker, e.g. min and max over rounds. */
  readonly low?: number;
  readonly high?: number;
}

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: Point[];
}

export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: Series[];
  /** Horizontal reference lines, e.g. a limit. */
  readonly references?: Array<{ readonly y: number; readonly label: string }>;
}

const WIDTH = 480;
const HEIGHT = 360;
const MARGIN = { left: 64, right: 16, top: 40, bottom: 72 };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About five round tick values from 0 to at least max. */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(s => s >= rough)!;
  const result: number[] = [];
  for (let v = 0; v < max + step; v += step) result.push(Number(v.toPrecision(12)));
  return result;
}

function format(v: number): string {
  return Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(v);
}

function panel(p: Panel, offsetX: number): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xs = p.series.flatMap(s => s.points.map(pt => pt.x));
  const ys = [
    ...p.series.flatMap(s => s.points.flatMap(pt => [pt.y, pt.high ?? pt.y])),
    ...(p.references ?? []).map(r => r.y),
  ];
  const xTicks = ticks(Math.max(...xs));
  const yTicks = ticks(Math.max(...ys));
  const xMax = xTicks[xTicks.length - 1];
  const yMax = yTicks[yTicks.length - 1];
  const sx = (x: number) => offsetX + MARGIN.left + (x / xMax) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - (y / yMax) * plotH;
  const out: string[] = [];

  out.push(`<text x="${offsetX + WIDTH / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escape(p.title)}</text>`);
  for (const t of yTicks) {
    out.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${sx(0) - 6}" y="${sy(t) + 4}" text-anchor="end" font-size="11">${format(t)}</text>`);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${sy(0)}" y2="${sy(0) + 4}" stroke="#333"/>`);
    out.push(`<text x="${sx(t)}" y="${sy(0) + 18}" text-anchor="middle" font-size="11">${format(t)}</text>`);
  }
  out.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(0)}" y2="${sy(0)}" stroke="#333"/>`);
  out.push(`<line x1="${sx(0)}" x2="${sx(0)}" y1="${sy(0)}" y2="${sy(yMax)}" stroke="#333"/>`);
  out.push(`<text x="${sx(xMax / 2)}" y="${sy(0) + 36}" text-anchor="middle" font-size="12">${escape(p.xLabel)}</text>`);
  const yMid = sy(yMax / 2);
  out.push(`<text x="${offsetX + 16}" y="${yMid}" text-anchor="middle" font-size="12" transform="rotate(-90 ${offsetX + 16} ${yMid})">${escape(p.yLabel)}</text>`);

  for (const r of p.references ?? []) {
    out.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(r.y)}" y2="${sy(r.y)}" stroke="#555" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${sx(xMax) - 4}" y="${sy(r.y) + 15}" text-anchor="end" font-size="11" fill="#555">${escape(r.label)}</text>`);
  }
  p.series.forEach((s, index) => {
    // whiskers of series that share an x are drawn side by side
    const dx = (index - (p.series.length - 1) / 2) * 5;
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(pt => `${sx(pt.x).toFixed(1)},${sy(pt.y).toFixed(1)}`).join(' ')}"/>`);
    for (const pt of pts) {
      if (pt.low !== undefined && pt.high !== undefined) {
        const x = (sx(pt.x) + dx).toFixed(1);
        out.push(`<line x1="${x}" x2="${x}" y1="${sy(pt.low).toFixed(1)}" y2="${sy(pt.high).toFixed(1)}" stroke="${s.color}" stroke-width="1.5"/>`);
      }
      out.push(`<circle cx="${sx(pt.x).toFixed(1)}" cy="${sy(pt.y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${escape(`${s.name}: N=${pt.x}, ${format(pt.y)}`)}</title></circle>`);
    }
  });
  // legend: each entry as wide as its name (about 7 px a character at font size 12)
  let legendX = offsetX + MARGIN.left;
  p.series.forEach(s => {
    const y = HEIGHT - 16;
    const x = legendX;
    legendX += 26 + 7 * s.name.length + 24;
    out.push(`<line x1="${x}" x2="${x + 20}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${x + 26}" y="${y}" font-size="12">${escape(s.name)}</text>`);
  });
  return out.join('\n');
}

export function renderChart(panels: Panel[], caption: string): string {
  const width = WIDTH * panels.length;
  const height = HEIGHT + 22;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels.map((p, i) => panel(p, i * WIDTH)),
    `<text x="${width / 2}" y="${height - 4}" text-anchor="middle" font-size="10" fill="#555">${escape(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
