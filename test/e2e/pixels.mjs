// What the visitor sees at one point of the page: a 1 × 1 screenshot, decoded here (8-bit RGB or
// RGBA PNG, the kind both browsers write), so a test can tell which layer is drawn on top.
import { inflateSync } from 'node:zlib';

/** The [r, g, b] of the first pixel of a PNG. */
export function firstPixel(png) {
  const bytes = Buffer.from(png);
  let offset = 8;
  let width = 0;
  let colorType = 0;
  const data = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      if (body[8] !== 8) throw new Error(`PNG bit depth ${body[8]}: only 8 is read`);
      colorType = body[9];
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  if (![2, 6].includes(colorType) || !width) throw new Error(`PNG colour type ${colorType}: only RGB and RGBA are read`);
  const raw = inflateSync(Buffer.concat(data));
  // The first row's first pixel has no row above and no pixel to its left: every PNG filter
  // (None, Sub, Up, Average, Paeth) predicts 0 for it, so its bytes are stored as they are.
  return [...raw.subarray(1, 4)];
}

/** The colour the visitor sees at (x, y) of the page's viewport. */
export async function colourAt(page, x, y) {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  return firstPixel(png);
}
