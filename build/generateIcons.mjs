// Draws Loupe's icon (lines of text, one highlighted span, a magnifying glass) with signed distance
// functions and writes build/icon.png (512), build/icon.ico, build/icon.icns and resources/icon.png.
// No image tools needed: PNG, ICO and ICNS are assembled here. Run: npx node build/generateIcons.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const hex = (h, a = 1) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a];

// distances in unit coordinates (the icon is the square [0,1]²)
const roundedBox = (px, py, cx, cy, hw, hh, r) => {
  const qx = Math.abs(px - cx) - hw + r;
  const qy = Math.abs(py - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const capsule = (px, py, ax, ay, bx, by, r) => {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy) - r;
};
const circle = (px, py, cx, cy, r) => Math.hypot(px - cx, py - cy) - r;
const ring = (px, py, cx, cy, r, w) => Math.abs(circle(px, py, cx, cy, r)) - w / 2;

const line = (y, x0, x1) => (px, py) => capsule(px, py, x0, y, x1, y, 0.026);

/** Painted back to front. */
const layers = [
  { color: hex('#1f3a5f'), sdf: (x, y) => roundedBox(x, y, 0.5, 0.5, 0.42, 0.42, 0.09) },
  { color: hex('#ffffff', 0.12), sdf: (x, y) => circle(x, y, 0.52, 0.42, 0.17) },
  { color: hex('#dbe4ef'), sdf: line(0.3, 0.22, 0.78) },
  { color: hex('#dbe4ef'), sdf: line(0.42, 0.22, 0.3) },
  { color: hex('#ff922b'), sdf: line(0.42, 0.38, 0.66) },
  { color: hex('#dbe4ef'), sdf: line(0.42, 0.74, 0.78) },
  { color: hex('#dbe4ef'), sdf: line(0.54, 0.22, 0.7) },
  { color: hex('#dbe4ef'), sdf: line(0.66, 0.22, 0.56) },
  { color: hex('#ffffff'), sdf: (x, y) => ring(x, y, 0.52, 0.42, 0.17, 0.045) },
  { color: hex('#ffffff'), sdf: (x, y) => capsule(x, y, 0.645, 0.545, 0.78, 0.68, 0.04) },
];

/** Renders RGBA pixels of a size×size icon. */
function render(size) {
  const pixels = Buffer.alloc(size * size * 4);
  const aa = 1 / size; // one pixel, in unit coordinates
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) / size;
      const y = (j + 0.5) / size;
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const layer of layers) {
        const coverage = Math.max(0, Math.min(1, 0.5 - layer.sdf(x, y) / aa)) * layer.color[3];
        if (coverage === 0) continue;
        // "over" compositing on premultiplied colour
        r = layer.color[0] * coverage + r * (1 - coverage);
        g = layer.color[1] * coverage + g * (1 - coverage);
        b = layer.color[2] * coverage + b * (1 - coverage);
        a = coverage + a * (1 - coverage);
      }
      const o = (j * size + i) * 4;
      pixels[o] = a > 0 ? Math.round(r / a) : 0;
      pixels[o + 1] = a > 0 ? Math.round(g / a) : 0;
      pixels[o + 2] = a > 0 ? Math.round(b / a) : 0;
      pixels[o + 3] = Math.round(a * 255);
    }
  }
  return pixels;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
};

/** Encodes RGBA pixels as a PNG. */
function png(size) {
  const pixels = render(size);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let j = 0; j < size; j++) pixels.copy(rows, j * (size * 4 + 1) + 1, j * size * 4, (j + 1) * size * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An ICO whose entries are PNGs (Windows Vista and later). */
function ico(sizes) {
  const images = sizes.map(png);
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, k) => {
    const e = 6 + 16 * k;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(images[k].length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += images[k].length;
  });
  return Buffer.concat([header, ...images]);
}

/** An ICNS with PNG entries: ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x). */
function icns() {
  const entries = [
    ['ic07', 128],
    ['ic08', 256],
    ['ic09', 512],
    ['ic10', 1024],
  ].map(([type, size]) => {
    const data = png(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

const icon512 = png(512);
fs.mkdirSync(path.join(root, 'resources'), { recursive: true });
fs.writeFileSync(path.join(root, 'build', 'icon.png'), icon512);
fs.writeFileSync(path.join(root, 'resources', 'icon.png'), icon512);
fs.writeFileSync(path.join(root, 'build', 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256]));
fs.writeFileSync(path.join(root, 'build', 'icon.icns'), icns());
console.log('wrote build/icon.png, build/icon.ico, build/icon.icns, resources/icon.png');
