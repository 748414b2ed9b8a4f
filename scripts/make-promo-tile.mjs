// The Web Store's small promo tile (440×280 PNG): the icon's pulse line ("down, then back") in white
// across a blue field, with the icon's disc on the left. Drawn like scripts/make-icons.mjs, without an
// image library. Run: node scripts/make-promo-tile.mjs (writes store/promo-tile-440x280.png, committed).
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { crc32 } from './zip.mjs';

const W = 440;
const H = 280;
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
const segDist = (px, py, [ax, ay], [bx, by]) => {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
};
// Pixel coordinates: a flat line, one dip and spike, flat again, as in the icon.
const pulse = [
  [40, 150],
  [190, 150],
  [225, 80],
  [265, 215],
  [300, 150],
  [400, 150],
];
const raw = Buffer.alloc(H * (W * 3 + 1));
const ss = 3;
for (let y = 0; y < H; y++) {
  raw[y * (W * 3 + 1)] = 0;
  for (let x = 0; x < W; x++) {
    let line = 0;
    for (let sy = 0; sy < ss; sy++) {
      for (let sx = 0; sx < ss; sx++) {
        const px = x + (sx + 0.5) / ss;
        const py = y + (sy + 0.5) / ss;
        let d = Infinity;
        for (let i = 0; i < pulse.length - 1; i++) d = Math.min(d, segDist(px, py, pulse[i], pulse[i + 1]));
        if (d <= 9) line++;
      }
    }
    const l = line / (ss * ss);
    // Vertical gradient from the icon's blue (21,101,192) to a deeper blue.
    const g = y / (H - 1);
    const bg = [21 - 8 * g, 101 - 40 * g, 192 - 50 * g];
    const o = y * (W * 3 + 1) + 1 + x * 3;
    for (let c = 0; c < 3; c++) raw[o + c] = Math.round(bg[c] * (1 - l) + 255 * l);
  }
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(W, 0);
ihdr.writeUInt32BE(H, 4);
ihdr[8] = 8;
ihdr[9] = 2; // truecolour, no alpha (the store wants an opaque tile)
const png = Buffer.concat([
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync('store', { recursive: true });
writeFileSync('store/promo-tile-440x280.png', png);
console.log(`store/promo-tile-440x280.png: ${png.length} bytes`);
