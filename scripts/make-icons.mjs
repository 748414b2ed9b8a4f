// Draws the toolbar/store icons (a pulse line on a blue disc) without any image
// library: signed-distance shapes, 4x4 supersampling, PNG via node:zlib.
// Run once: node scripts/make-icons.mjs ; the PNGs are committed.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
const png = (size, rgba) => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};
const segDist = (px, py, [ax, ay], [bx, by]) => {
  const dx = bx - ax,
    dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
};
// Unit coordinates (0..1): a heartbeat that dips, the shape of "down, then back".
const pulse = [
  [0.16, 0.52],
  [0.36, 0.52],
  [0.44, 0.3],
  [0.54, 0.74],
  [0.62, 0.52],
  [0.84, 0.52],
];
const draw = (size) => {
  const out = Buffer.alloc(size * size * 4);
  const ss = 4;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let disc = 0,
        line = 0;
      for (let sy = 0; sy < ss; sy++)
        for (let sx = 0; sx < ss; sx++) {
          const px = (x + (sx + 0.5) / ss) / size,
            py = (y + (sy + 0.5) / ss) / size;
          if (Math.hypot(px - 0.5, py - 0.5) <= 0.48) disc++;
          let d = Infinity;
          for (let i = 0; i < pulse.length - 1; i++) d = Math.min(d, segDist(px, py, pulse[i], pulse[i + 1]));
          if (d <= Math.max(0.055, 1.1 / size)) line++;
        }
      const a = disc / (ss * ss),
        l = Math.min(line, disc) / (ss * ss);
      const bg = [21, 101, 192];
      const mix = (c) => Math.round(a > 0 ? (c * (a - l) + 255 * l) / a : 0);
      const o = (y * size + x) * 4;
      out[o] = mix(bg[0]);
      out[o + 1] = mix(bg[1]);
      out[o + 2] = mix(bg[2]);
      out[o + 3] = Math.round(a * 255);
    }
  return png(size, out);
};
mkdirSync('public/icons', { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(`public/icons/icon-${size}.png`, draw(size));
console.log('icons written');
